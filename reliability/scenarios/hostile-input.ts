// Bad input while the load runs: the engine's hostile HTTP/1.1 corpus (smuggling, header injection, bad
// framing, oversized heads; the slowloris cases are left to the unit suite, they wait for timeouts) sent raw
// to the demo ingress, and bad config (malformed YAML, a wrong apiVersion or kind, a schema violation, an
// unknown host or subset) written to the store. Every request must be refused as the corpus expects, every
// config refused with nothing stored, and the steady load must not notice.

import { HOSTILE_HTTP1 } from "../../proxy-engine/test-util/hostile-http1-corpus";
import { rawExchange, responseStatuses } from "../../proxy-engine/test-util/raw-http";
import { FAULTY_AUTHORITY } from "../mesh-under-test";
import { failureSummary, loadSince, type Scenario } from "./scenario";

const vs = (spec: string, apiVersion = "networking.istio.io/v1", kind = "VirtualService") =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: hostile, namespace: default }\nspec:\n${spec}`;
const route = (destination: string) => `  hosts: [${FAULTY_AUTHORITY}]\n  gateways: [bookinfo-gateway]\n  http:\n    - route: [${destination}]\n`;

const BAD_CONFIGS: [string, string][] = [
  ["malformed YAML", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec: [unclosed\n"],
  ["wrong apiVersion", vs(route("{ destination: { host: faulty } }"), "networking.istio.io/v9")],
  ["unknown kind", vs(route("{ destination: { host: faulty } }"), "networking.istio.io/v1", "VirtualServiceX")],
  ["weights that do not sum to 100", vs(route("{ destination: { host: faulty }, weight: 60 }, { destination: { host: faulty }, weight: 30 }"))],
  ["unknown host", vs(route("{ destination: { host: nowhere } }"))],
  ["unknown subset", vs(route("{ destination: { host: faulty, subset: v9 } }"))],
];

export const hostileInput: Scenario = async ({ mesh, load }) => {
  const lost: string[] = [];
  const start = performance.now();
  const inputs = HOSTILE_HTTP1.filter((i) => !i.slow);
  const [host, port] = mesh.ingress.split(":") as [string, string];
  let refused = 0;
  for (const input of inputs) {
    // Routed to the faulty service's replicas, so bodies are read (and their framing checked) as when proxied.
    const raw = (typeof input.raw === "function" ? input.raw() : input.raw).replaceAll("Host: x\r\n", `Host: ${FAULTY_AUTHORITY}\r\n`);
    const [first, ...more] = responseStatuses((await rawExchange(host, Number(port), raw)).out);
    // A close without an answer is a refusal too (the hostile suite checks which one each input gets).
    if (first !== undefined && !input.expect.includes(first)) lost.push(`"${input.name}" got ${first}, expected ${input.expect.join(" or ")}`);
    else if (more.length) lost.push(`"${input.name}" got a second answer (${more.join(", ")}) after being refused: a smuggled request`);
    else refused++;
  }
  const head = mesh.controlPlane().store.head();
  let rejected = 0;
  for (const [name, yaml] of BAD_CONFIGS) {
    try {
      await mesh.apply(yaml, `reliability: ${name}`);
      lost.push(`bad config accepted: ${name}`);
    } catch {
      rejected++;
    }
  }
  if (mesh.controlPlane().store.head() !== head) lost.push(`the store's head moved from ${head} to ${mesh.controlPlane().store.head()}`);
  const { outcomes, failed } = await loadSince(load, start);
  if (failed.length) lost.push(`${failed.length} requests of the steady load failed (${failureSummary(outcomes)})`);
  return {
    fault: "hostile input: bad requests and bad config",
    requests: outcomes.length,
    failed: failed.length,
    recoveryMs: undefined,
    lost,
    detail: `${refused} of ${inputs.length} malformed HTTP/1.1 requests refused (4xx or closed), ${rejected} of ${BAD_CONFIGS.length} bad configs refused, store head unchanged`,
  };
};
