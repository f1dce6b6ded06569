// Property tests: random specs, rule sets, text and YAML never make the loader or validators throw.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fuzzRuns } from "../../../proxy-engine/test-util/json-mutations";
import type { RoutingRule } from "./istio-types";
import { parseRulesYaml } from "./parse-rules-yaml";
import { ruleToYaml } from "./rules-yaml";
import { fakeLookup } from "./test-fixtures";
import { validateDestinationRule } from "./validate-destination-rule";
import { loadRulesYaml, validateRuleSet } from "./validate-rules";
import { validateVirtualService } from "./validate-virtual-service";

const lookup = fakeLookup();
const RUNS = fuzzRuns(300);

const KEYS = [
  "hosts", "gateways", "http", "match", "route", "redirect", "directResponse", "rewrite", "timeout", "retries", "fault", "headers", "name",
  "uri", "scheme", "method", "authority", "withoutHeaders", "queryParams", "ignoreUriCase", "exact", "prefix", "regex", "destination", "weight",
  "host", "subset", "port", "number", "request", "response", "set", "add", "remove", "attempts", "perTryTimeout", "retryOn", "delay", "abort",
  "fixedDelay", "percentage", "percent", "value", "httpStatus", "status", "body", "string", "uriRegexRewrite", "redirectCode", "mirror", "tcp",
  "trafficPolicy", "subsets", "labels", "loadBalancer", "simple", "consistentHash", "httpHeaderName", "httpCookie", "ttl", "useSourceIp",
  "ringHash", "maglev", "minimumRingSize", "tableSize", "connectionPool", "maxConnections", "outlierDetection", "maxEjectionPercent",
  "tls", "__proto__", "constructor", "toString", "x-user", "",
];
const LEAVES = ["reviews", "ratings", "v1", "v4", "1s", "0s", "1.5ms", "5xx", "unavailable", "*", "(a+)+", "[", "LEAST_CONN", "ROUND_ROBIN", "mesh", "", "a/b/c"];

/** JSON-ish values shaped like Istio specs: known field names, plausible and implausible leaves. */
const istioish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...LEAVES),
    fc.integer({ min: -5, max: 70_000 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 4 }),
  ),
})).value;

const anySpec = fc.oneof(fc.jsonValue(), istioish, fc.anything());

function checkResult(r: { value?: unknown; errors: { path: string }[]; warnings: { path: string }[] }): void {
  if (r.value === undefined) expect(r.errors.length).toBeGreaterThan(0);
  for (const e of [...r.errors, ...r.warnings]) expect(e.path.startsWith("spec")).toBe(true);
}

describe("validation never throws", () => {
  it("on random VirtualService specs", () => {
    fc.assert(fc.property(anySpec, (spec) => checkResult(validateVirtualService(spec, { namespace: "default" }))), RUNS);
  });

  it("on random DestinationRule specs", () => {
    fc.assert(fc.property(anySpec, (spec) => checkResult(validateDestinationRule(spec))), RUNS);
  });

  it("on random rule sets, and every rule it accepts round-trips through YAML", () => {
    const raw = fc.record({ kind: fc.constantFrom("VirtualService", "DestinationRule"), name: fc.constantFrom("a", "b", "reviews"), spec: istioish });
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 3 }), (docs) => {
        const rules = docs.map((d) => ({ kind: d.kind, metadata: { name: d.name, namespace: "default" }, spec: d.spec }) as unknown as RoutingRule);
        const r = validateRuleSet({ rules, lookup, existing: [] });
        for (const rule of r.rules) expect(loadRulesYaml(ruleToYaml(rule), { lookup, existing: r.rules }).rules).toEqual([rule]);
      }),
      RUNS,
    );
  });

  it("on random text and on random YAML documents", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void parseRulesYaml(text)), RUNS);
    const doc = fc.record({ apiVersion: fc.constantFrom("networking.istio.io/v1", "v1", 3), kind: fc.constantFrom("VirtualService", "DestinationRule", "List", "Gateway"), metadata: istioish, spec: istioish, items: istioish }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 3 }), (docs) => {
        const text = docs.map((d) => stringify(d)).join("---\n");
        const r = loadRulesYaml(text, { lookup, existing: [] });
        expect(Array.isArray(r.errors)).toBe(true);
      }),
      RUNS,
    );
  });
});
