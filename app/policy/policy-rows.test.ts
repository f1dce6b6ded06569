// Policy rows: rules read from their YAML, joined with the status of every proxy that runs them (summed),
// and quota buckets kept per proxy.
import { describe, expect, it } from "vitest";
import { liveCounts, policyRuleOf, policyRows, scopeText, type StatusLike } from "./policy-rows";

const CHECK = `apiVersion: policy.meshdash.io/v1
kind: CheckRule
metadata: { name: no-admin, namespace: default }
spec:
  selector: { matchLabels: { app: details } }
  action: DENY
  match: 'request.path.startsWith("/admin")'
  reason: internal
`;
const QUOTA = `apiVersion: policy.meshdash.io/v1
kind: Quota
metadata: { name: per-user, namespace: istio-system }
spec:
  dimensions: { user: 'request.headers["x-user"]' }
  maxAmount: 2
  validDuration: 60s
`;

const status: StatusLike = {
  denied: 5n,
  throttled: 1n,
  proxies: [
    { proxy: "sidecar~1~details-v1-1.default~x", checkRules: [{ name: "default/no-admin", matched: 4n, denied: 3n, errors: 0n }], quotas: [] },
    { proxy: "sidecar~1~details-v1-0.default~x", checkRules: [{ name: "default/no-admin", matched: 2n, denied: 2n, errors: 1n }], quotas: [{ name: "istio-system/per-user", maxAmount: 2, allowed: 2n, throttled: 1n, bucketCount: 1, buckets: [{ key: "user=alice", tokens: 0, throttled: 1n }] }] },
  ],
};

describe("policy rows", () => {
  it("reads a CheckRule's and a Quota's spec from their YAML; other kinds are not policies", () => {
    expect(policyRuleOf({ kind: "CheckRule", namespace: "default", name: "no-admin" }, CHECK, 7)).toEqual({
      kind: "CheckRule", namespace: "default", name: "no-admin", revision: 7, selector: { app: "details" }, match: 'request.path.startsWith("/admin")', action: "DENY", reason: "internal", maxAmount: undefined, validDuration: "", dimensions: {},
    });
    const q = policyRuleOf({ kind: "Quota", namespace: "istio-system", name: "per-user" }, QUOTA, 8)!;
    expect([q.maxAmount, q.validDuration, q.dimensions, q.selector]).toEqual([2, "60s", { user: 'request.headers["x-user"]' }, undefined]);
    expect(scopeText(q)).toBe("every workload (mesh-wide)");
    expect(scopeText({ namespace: "default", selector: { app: "details", version: "v1" } })).toBe("app=details, version=v1");
    expect(policyRuleOf({ kind: "VirtualService", namespace: "default", name: "x" }, "", 1)).toBeUndefined();
  });

  it("sums a rule's counts over the proxies running it and keeps buckets per proxy", () => {
    const live = liveCounts(status);
    expect(live.get("CheckRule default/no-admin")).toMatchObject({ proxies: 2, matched: 6, denied: 5, errors: 1 });
    expect(live.get("Quota istio-system/per-user")).toMatchObject({ proxies: 1, allowed: 2, throttled: 1, bucketCount: 1, perProxy: [{ proxy: "sidecar~1~details-v1-0.default~x", maxAmount: 2, buckets: [{ key: "user=alice", tokens: 0, throttled: 1 }] }] });
  });

  it("orders check rules before quotas; a rule no proxy runs has zero counts, and none without a status", () => {
    const rules = [policyRuleOf({ kind: "Quota", namespace: "istio-system", name: "per-user" }, QUOTA, 8)!, policyRuleOf({ kind: "CheckRule", namespace: "default", name: "other" }, CHECK, 9)!];
    const rows = policyRows(rules, status);
    expect(rows.map((r) => `${r.rule.kind} ${r.rule.name} ${r.live?.denied}/${r.live?.throttled}`)).toEqual(["CheckRule other 0/0", "Quota per-user 0/1"]);
    expect(policyRows(rules).every((r) => r.live === undefined)).toBe(true);
  });
});
