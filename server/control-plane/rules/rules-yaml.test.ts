// Writing rules back to Istio YAML: exact output, and parse+validate round trips (Bookinfo and generated rules).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DestinationRule, HttpRoute, HttpRouteDestination, RoutingRule, VirtualService } from "./istio-types";
import { ruleToYaml, rulesToYaml } from "./rules-yaml";
import { BOOKINFO_DESTINATION_RULES, BOOKINFO_GATEWAY, BOOKINFO_VIRTUAL_SERVICES, fakeLookup } from "./test-fixtures";
import { loadRulesYaml } from "./validate-rules";

const lookup = fakeLookup();

function bookinfo(): RoutingRule[] {
  const r = loadRulesYaml(`${BOOKINFO_DESTINATION_RULES}---\n${BOOKINFO_VIRTUAL_SERVICES}---\n${BOOKINFO_GATEWAY}`, { lookup, existing: [] });
  expect(r.errors).toEqual([]);
  return r.rules;
}

describe("ruleToYaml", () => {
  it("writes Istio v1 YAML with metadata and spec", () => {
    const reviews = bookinfo().find((r) => r.kind === "DestinationRule" && r.metadata.name === "productpage")!;
    expect(ruleToYaml(reviews)).toBe(
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: productpage\n  namespace: default\nspec:\n  host: productpage\n  subsets:\n    - name: v1\n      labels:\n        version: v1\n",
    );
  });

  it("round-trips every Bookinfo rule through the parser and validator", () => {
    const rules = bookinfo();
    for (const rule of rules) {
      const back = loadRulesYaml(ruleToYaml(rule), { lookup, existing: rules });
      expect(back.errors).toEqual([]);
      expect(back.rules).toEqual([rule]);
    }
    expect(loadRulesYaml(rulesToYaml(rules), { lookup, existing: [] }).rules).toEqual(rules);
  });

  it("round-trips generated rules, including header values YAML would otherwise misread", () => {
    const subsets = ["v1", "v2", "v3"];
    const reviewsDr: DestinationRule = { kind: "DestinationRule", metadata: { name: "reviews", namespace: "default" }, spec: { host: "reviews", subsets: subsets.map((name) => ({ name, labels: { version: name } })) } };
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("yes", "no", "null", "~", "1e3", "0x10", "- a", "a: b", "#x", "'q'", '"', "true", "007", "")).filter((s) => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s));
    const headerName = fc.stringMatching(/^x-[a-z0-9]{1,8}$/);
    const headers = fc.record({ request: fc.record({ set: fc.dictionary(headerName, text, { maxKeys: 2 }) }) }, { requiredKeys: [] });
    const destinations = fc.integer({ min: 1, max: 3 }).chain((n) =>
      fc.tuple(fc.array(fc.nat({ max: 100 }), { minLength: n - 1, maxLength: n - 1 }), fc.shuffledSubarray(subsets, { minLength: n, maxLength: n })).map(([cuts, names]): HttpRouteDestination[] => {
        const points = [0, ...[...cuts].sort((a, b) => a - b), 100];
        return names.map((subset, i) => ({ destination: { host: "reviews", subset }, ...(n > 1 ? { weight: points[i + 1]! - points[i]! } : {}) }));
      }),
    );
    const httpRoute = fc.record(
      {
        match: fc.array(fc.record({ uri: fc.oneof(fc.record({ prefix: fc.stringMatching(/^\/[a-z]{0,6}$/) }), fc.record({ exact: text })) }), { minLength: 1, maxLength: 2 }),
        route: destinations,
        timeout: fc.constantFrom("1s", "0.5s", "250ms", "1m", "1h30m"),
        retries: fc.record({ attempts: fc.integer({ min: 1, max: 5 }), perTryTimeout: fc.constantFrom("2s", "100ms"), retryOn: fc.constantFrom("5xx", "gateway-error,connect-failure", "503,reset") }, { requiredKeys: ["attempts"] }),
        fault: fc.record({ abort: fc.record({ httpStatus: fc.integer({ min: 200, max: 599 }), percentage: fc.record({ value: fc.double({ min: 0, max: 100, noNaN: true }) }) }) }),
        headers,
      },
      { requiredKeys: ["route"] },
    ) as fc.Arbitrary<HttpRoute>;
    const rule = fc.array(httpRoute, { minLength: 1, maxLength: 3 }).map((http): VirtualService => ({ kind: "VirtualService", metadata: { name: "reviews", namespace: "default" }, spec: { hosts: ["reviews"], http } }));
    fc.assert(
      fc.property(rule, (vs) => {
        const back = loadRulesYaml(ruleToYaml(vs), { lookup, existing: [reviewsDr] });
        expect(back.errors).toEqual([]);
        expect(back.rules).toEqual([vs]);
      }),
      { numRuns: 150 },
    );
  });
});
