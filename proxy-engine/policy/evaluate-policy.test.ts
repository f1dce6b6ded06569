// Check and quota over compiled PolicyFilters: DENY before ALLOW, default deny when ALLOW rules exist,
// evaluation errors counted as no match, bucket keys from dimensions, counters shared across recompiles.

import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CheckRule_Action, PolicyFilterSchema } from "../../proto/gen/meshdash/policy/v1/policy_pb";
import { ConfigError } from "../config/config-error";
import type { Attributes } from "./attributes";
import { compilePolicy } from "./compile-policy";
import { runCheck, runQuotas } from "./evaluate-policy";
import { createPolicyRuntime } from "./policy-runtime";

const attrs = (path: string, headers: Record<string, string> = {}) => ({ request: { path, headers }, source: { workload: { name: "productpage-v1" } } }) as unknown as Attributes;

const filter = () =>
  create(PolicyFilterSchema, {
    checkRules: [
      { name: "ns/deny-admin", match: 'request.path.startsWith("/admin")', action: CheckRule_Action.DENY, reason: "no" },
      { name: "ns/deny-broken", match: 'request.headers["x-missing"] == "1"', action: CheckRule_Action.DENY },
      { name: "ns/allow-pp", match: 'source.workload.name == "productpage-v1"', action: CheckRule_Action.ALLOW },
      { name: "ns/allow-health", match: 'request.path == "/healthz"', action: CheckRule_Action.ALLOW },
    ],
    quotas: [{ name: "ns/q", dimensions: { user: 'request.headers["x-user"]', path: "request.path" }, maxAmount: 1, validDuration: { seconds: 10n } }],
  });

describe("check and quota", () => {
  it("denies on the first matching DENY rule, else needs an ALLOW match; errors count and do not match", () => {
    const rt = createPolicyRuntime({ proxyId: "p" });
    const p = compilePolicy(filter(), "f", rt);
    expect(runCheck(p, attrs("/admin/x"))).toMatchObject({ denied: true, rule: { name: "ns/deny-admin" } });
    expect(runCheck(p, attrs("/ok"))).toEqual({ denied: false });
    const stranger = { request: { path: "/x", headers: {} }, source: { workload: { name: "other" } } } as unknown as Attributes;
    expect(runCheck(p, stranger)).toEqual({ denied: true, rule: undefined });
    const counts = Object.fromEntries(p.rules.map((r) => [r.name, { ...r.counters }]));
    expect(counts).toEqual({
      "ns/deny-admin": { matched: 1, denied: 1, errors: 0 },
      "ns/deny-broken": { matched: 0, denied: 0, errors: 2 },
      "ns/allow-pp": { matched: 1, denied: 0, errors: 0 },
      "ns/allow-health": { matched: 0, denied: 0, errors: 0 },
    });
    // A recompile (config swap) with the same names shares the counters.
    expect(compilePolicy(filter(), "f", rt).rules[0]!.counters).toBe(p.rules[0]!.counters);
  });

  it("keys buckets by the dimensions, sorted by name; a failed dimension is empty", () => {
    const rt = createPolicyRuntime({ proxyId: "p" });
    const p = compilePolicy(filter(), "f", rt);
    expect(runQuotas(p, attrs("/a", { "x-user": "alice" }), 0)).toEqual({ ok: true });
    expect(runQuotas(p, attrs("/a", { "x-user": "alice" }), 1)).toMatchObject({ ok: false, quota: { name: "ns/q" }, retryAfterS: 10 });
    expect(runQuotas(p, attrs("/a"), 1)).toEqual({ ok: true });
    expect(p.quotas[0]!.buckets.busiest(5, 2).map((b) => b.key)).toEqual(["path=/a, user=alice", "path=/a, user="]);
    expect(p.quotas[0]!.counters).toEqual({ allowed: 2, throttled: 1 });
  });

  it("refuses bad rules and quotas with every problem at its path", () => {
    const bad = create(PolicyFilterSchema, {
      checkRules: [{ name: "", match: "(", action: CheckRule_Action.UNSPECIFIED }],
      quotas: [{ name: "q", maxAmount: 0, dimensions: { u: "request.headers[" } }],
    });
    try {
      compilePolicy(bad, "f", createPolicyRuntime({ proxyId: "p" }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.path)).toEqual(["f.check_rules[0].name", "f.check_rules[0].action", "f.check_rules[0].match", "f.quotas[0].max_amount", "f.quotas[0].valid_duration", "f.quotas[0].dimensions[u]"]);
    }
  });

  it("an empty filter is inactive; report needs adapters to cost anything", () => {
    const none = compilePolicy(create(PolicyFilterSchema, {}), "f", createPolicyRuntime({ proxyId: "p" }));
    expect(none).toMatchObject({ active: false, needsAttributes: false });
    const reportOnly = compilePolicy(create(PolicyFilterSchema, { report: true }), "f", createPolicyRuntime({ proxyId: "p" }));
    expect(reportOnly).toMatchObject({ active: true, needsAttributes: false, report: false });
    const withAdapter = compilePolicy(create(PolicyFilterSchema, { report: true }), "f", createPolicyRuntime({ proxyId: "p", adapters: [{ name: "a", report() {} }] }));
    expect(withAdapter).toMatchObject({ active: true, needsAttributes: true, report: true });
  });
});
