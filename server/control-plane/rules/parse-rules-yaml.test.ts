// Loading rule YAML: multi-document streams, Lists, syntax errors with line and column, and envelope errors.

import { describe, expect, it } from "vitest";
import { parseRulesYaml } from "./parse-rules-yaml";
import { BOOKINFO_DESTINATION_RULES, BOOKINFO_GATEWAY } from "./test-fixtures";

const HEAD = "apiVersion: networking.istio.io/v1\nkind: VirtualService\n";
const VS = `${HEAD}metadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n`;

/** 1-based line of the first line of `text` containing `needle` (after `from`). */
function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split("\n");
  const i = lines.findIndex((l, n) => n >= from && l.includes(needle));
  if (i < 0) throw new Error(`no ${needle}`);
  return i + 1;
}

describe("parseRulesYaml", () => {
  it("loads a multi-document stream, defaulting the namespace and keeping field lines", () => {
    const { docs, errors, warnings } = parseRulesYaml(BOOKINFO_DESTINATION_RULES);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      "DestinationRule default/productpage",
      "DestinationRule default/reviews",
      "DestinationRule default/ratings",
      "DestinationRule default/details",
    ]);
    const reviews = docs[1]!;
    expect(reviews.source?.doc).toBe(1);
    expect(reviews.source?.lines.get("spec.subsets[2]")).toBe(lineOf(BOOKINFO_DESTINATION_RULES, "name: v3"));
    expect(reviews.source?.lines.get("spec.trafficPolicy.outlierDetection.interval")).toBe(lineOf(BOOKINFO_DESTINATION_RULES, "interval: 5m"));
    expect(reviews.source?.lines.get("")).toBe(lineOf(BOOKINFO_DESTINATION_RULES, "apiVersion", 10));
    expect((reviews.spec as { host: string }).host).toBe("reviews");
  });

  it("keeps an explicit namespace and accepts v1beta1 and v1alpha3", () => {
    const text = `${VS.replace("v1", "v1beta1").replace("name: reviews", "name: reviews\n  namespace: prod")}---\n${VS.replace("v1", "v1alpha3")}`;
    const { docs, errors } = parseRulesYaml(text);
    expect(errors).toEqual([]);
    expect(docs.map((d) => d.metadata.namespace)).toEqual(["prod", "default"]);
  });

  it("reports malformed YAML with line and column, and still loads the other documents", () => {
    const text = `${HEAD}metadata:\n  name: a\n  name: b\nspec: {}\n---\n${VS}`;
    const { docs, errors } = parseRulesYaml(text);
    expect(errors).toEqual([{ path: "", message: "YAML syntax error: Map keys must be unique", doc: 0, line: 5, column: 3 }]);
    expect(docs.map((d) => d.metadata.name)).toEqual(["reviews"]);
  });

  it("reports an unclosed flow sequence and tabs", () => {
    expect(parseRulesYaml(`${VS.replace("[reviews]", "[reviews")}`).errors[0]).toMatchObject({ path: "", line: 7, column: 1, doc: 0 });
    expect(parseRulesYaml("spec:\n\thosts: x\n").errors).toEqual([{ path: "", message: "YAML syntax error: Tabs are not allowed as indentation", doc: 0, line: 2, column: 1 }]);
  });

  it("rejects unsupported API versions precisely", () => {
    const { errors, docs } = parseRulesYaml(VS.replace("networking.istio.io/v1", "networking.istio.io/v2"));
    expect(docs).toEqual([]);
    expect(errors).toEqual([{ path: "apiVersion", message: '"networking.istio.io/v2" is not supported; use networking.istio.io/v1', doc: 0, line: 1, rule: "VirtualService default/reviews" }]);
    expect(parseRulesYaml(VS.replace("apiVersion: networking.istio.io/v1\n", "")).errors).toEqual([
      { path: "apiVersion", message: "required; use networking.istio.io/v1", doc: 0, line: 1, rule: "VirtualService default/reviews" },
    ]);
  });

  it("rejects unknown and unsupported kinds, suggesting close names", () => {
    const errorsFor = (kind: string) => parseRulesYaml(VS.replace("kind: VirtualService", `kind: ${kind}`)).errors.map((e) => `${e.path}: ${e.message}`);
    expect(errorsFor("VirtualServce")).toEqual(['kind: "VirtualServce" is not a supported kind; did you mean VirtualService?']);
    expect(errorsFor("Deployment")).toEqual(['kind: "Deployment" is not a supported kind; use VirtualService, DestinationRule, CheckRule or Quota']);
    expect(errorsFor("ServiceEntry")).toEqual(['kind: "ServiceEntry" is not supported by meshdash; use VirtualService, DestinationRule, CheckRule or Quota']);
    expect(parseRulesYaml(VS.replace("kind: VirtualService\n", "")).errors.map((e) => `${e.path}: ${e.message}`)).toEqual(["kind: required; use VirtualService, DestinationRule, CheckRule or Quota"]);
  });

  it("skips Gateways with a warning, so Istio's bookinfo-gateway.yaml loads unchanged", () => {
    const { docs, errors, warnings } = parseRulesYaml(BOOKINFO_GATEWAY);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([{ path: "kind", message: "Gateway is not supported by meshdash; ignored (VirtualServices bound to any gateway apply to the meshdash ingress)", doc: 0, line: 2 }]);
    expect(docs.map((d) => d.metadata.name)).toEqual(["bookinfo"]);
  });

  it("checks metadata", () => {
    const errorsFor = (meta: string) => parseRulesYaml(`${HEAD}metadata:\n${meta}spec: {}\n`).errors.map((e) => `${e.path}: ${e.message}`);
    expect(errorsFor("  namespace: x\n")).toEqual(["metadata.name: required"]);
    expect(errorsFor("  name: Reviews_1\n")).toEqual(['metadata.name: invalid name "Reviews_1"; use lowercase letters, digits, "-" and "." (a DNS subdomain)']);
    expect(errorsFor("  name: r\n  namespace: my.ns\n")).toEqual(['metadata.namespace: invalid namespace "my.ns"; use lowercase letters, digits and "-" (a DNS label)']);
    expect(errorsFor("  name: r\n  namespce: x\n")).toEqual(['metadata.namespce: unknown field; did you mean "namespace"?']);
    expect(parseRulesYaml(`${HEAD}metadata: []\nspec: {}\n`).errors.map((e) => e.message)).toEqual(["expected a mapping, got a list"]);
  });

  it("ignores server-set metadata and status silently, and warns about labels and annotations", () => {
    const text = `${HEAD}metadata:\n  name: r\n  resourceVersion: "42"\n  uid: abc\n  labels:\n    app: r\n  annotations:\n    a: b\nspec:\n  hosts: [r]\nstatus:\n  observedGeneration: 1\n`;
    const { docs, errors, warnings } = parseRulesYaml(text);
    expect(errors).toEqual([]);
    expect(docs).toHaveLength(1);
    expect(warnings).toEqual([
      { path: "metadata.labels", message: "not supported by meshdash; ignored", doc: 0, line: 7 },
      { path: "metadata.annotations", message: "not supported by meshdash; ignored", doc: 0, line: 9 },
    ]);
  });

  it("requires spec to be a mapping and rejects unknown top-level fields", () => {
    expect(parseRulesYaml(`${HEAD}metadata:\n  name: r\n`).errors.map((e) => `${e.path}: ${e.message}`)).toEqual(["spec: required"]);
    expect(parseRulesYaml(`${HEAD}metadata:\n  name: r\nspec: [a]\n`).errors.map((e) => `${e.path}: ${e.message}`)).toEqual(["spec: expected a mapping, got a list"]);
    expect(parseRulesYaml(`${VS}sepc: {}\n`).errors.map((e) => `${e.path}: ${e.message} @${e.line}`)).toEqual(['sepc: unknown field; did you mean "spec"? @7']);
  });

  it("rejects documents that are not mappings, and skips empty ones", () => {
    expect(parseRulesYaml("- a\n- b\n").errors).toEqual([{ path: "", message: "expected a mapping with apiVersion, kind, metadata and spec, got a list", doc: 0, line: 1 }]);
    expect(parseRulesYaml("")).toEqual({ docs: [], errors: [], warnings: [] });
    expect(parseRulesYaml("# nothing here\n---\n")).toEqual({ docs: [], errors: [], warnings: [] });
    expect(parseRulesYaml(`---\n${VS}---\n`).docs).toHaveLength(1);
  });

  it("accepts a Kubernetes List and points item errors at items[i]", () => {
    const item = (name: string, extra = "") => `- apiVersion: networking.istio.io/v1\n  kind: VirtualService\n  metadata:\n    name: ${name}\n  spec:\n    hosts: [${name}]\n${extra}`;
    const text = `apiVersion: v1\nkind: List\nitems:\n${item("a")}${item("b")}- apiVersion: networking.istio.io/v1\n  kind: Virtualservice\n  metadata:\n    name: c\n  spec: {}\n`;
    const { docs, errors } = parseRulesYaml(text);
    expect(docs.map((d) => d.metadata.name)).toEqual(["a", "b"]);
    expect(docs[1]!.source?.lines.get("spec.hosts")).toBe(lineOf(text, "hosts: [b]"));
    expect(docs[1]!.source?.lines.get("")).toBe(lineOf(text, "- apiVersion", 8));
    expect(errors).toEqual([{ path: "items[2].kind", message: '"Virtualservice" is not a supported kind; did you mean VirtualService?', doc: 0, line: lineOf(text, "kind: Virtualservice") }]);
    expect(parseRulesYaml("apiVersion: v2\nkind: List\nitems: {}\n").errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'apiVersion: "v2" is not supported for kind List; use v1',
      "items: expected a list, got a mapping",
    ]);
  });

  it("resolves anchors and merge keys like kubectl", () => {
    const text = `${HEAD}metadata:\n  name: r\nspec:\n  hosts: [r]\n  http:\n  - route: &dest\n    - destination: {host: r}\n  - <<: {timeout: 1s}\n    route: *dest\n`;
    const { docs, errors } = parseRulesYaml(text);
    expect(errors).toEqual([]);
    expect(docs[0]!.spec).toEqual({ hosts: ["r"], http: [{ route: [{ destination: { host: "r" } }] }, { timeout: "1s", route: [{ destination: { host: "r" } }] }] });
  });

  it("reports YAML warnings such as unknown tags", () => {
    expect(parseRulesYaml(`${VS}  gateways: [!custom gw]\n`).warnings).toEqual([{ path: "", message: "YAML warning: Unresolved tag: !custom", doc: 0, line: 7, column: 14 }]);
  });
});
