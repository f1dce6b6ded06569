// Bad input while the load runs: the engine's hostile HTTP/1.1 corpus (smuggling, header injection, bad
// framing, oversized heads; the slowloris cases are left to the unit suite, they wait for timeouts) sent raw
// to the demo ingress, and bad config (malformed YAML, a wrong apiVersion or kind, a schema violation, an
// unknown host or subset) written to the store. Every request must be refused as the corpus expects, every
// config refused with nothing stored, and the steady load must not notice.

import net from "node:net";
import { HOSTILE_HTTP1 } from "../../proxy-engine/test-util/hostile-http1-corpus";
import { FAULTY_AUTHORITY } from "../mesh-under-test";
import { failures, failureSummary, type Scenario } from "./scenario";

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

/** Sends `raw` on a new connection; resolves with every status code answered (none: closed) once closed or after 3 s. */
function send(address: string, raw: string): Promise<number[]> {
  const [host, port] = address.split(":") as [string, string];
  return new Promise((resolve) => {
    let out = "";
    const s = net.connect({ host, port: Number(port) }, () => s.end(raw, "latin1"));
    const done = () => resolve([...out.matchAll(/(?:^|\r\n)HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1])));
    const timer = setTimeout(() => {
      s.destroy();
      done();
    }, 3000);
    s.on("data", (d: Buffer) => (out += d.toString("latin1")));
    s.on("error", () => {});
    s.on("close", () => {
      clearTimeout(timer);
      done();
    });
  });
}

export const hostileInput: Scenario = async ({ mesh, load }) => {
  const lost: string[] = [];
  const start = performance.now();
  const inputs = HOSTILE_HTTP1.filter((i) => !i.slow);
  let refused = 0;
  for (const input of inputs) {
    // Routed to the faulty service's replicas, so bodies are read (and their framing checked) as when proxied.
    const raw = (typeof input.raw === "function" ? input.raw() : input.raw).replaceAll("Host: x\r\n", `Host: ${FAULTY_AUTHORITY}\r\n`);
    const [first, ...more] = await send(mesh.ingress, raw);
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
  const end = performance.now();
  await load.settled(end);
  const outcomes = load.between(start, end);
  const failed = failures(outcomes);
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
