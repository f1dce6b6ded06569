// A proxy's live policy state as plain data shaped like ProxyPolicyStatus (numbers instead of bigints), and
// the conversion to the proto message for PolicyService.

import { create } from "@bufbuild/protobuf";
import { ProxyPolicyStatusSchema, type CheckRule_Action, type ProxyPolicyStatus } from "../../proto/gen/meshdash/policy/v1/policy_pb";
import type { CompiledConfig } from "../config/compile";
import { isPolicyFilter } from "../http/filters/policy/policy-filter";
import type { CompiledPolicy } from "./compile-policy";
import type { PolicyRuntime } from "./policy-runtime";

export const TOP_BUCKETS = 20;

export interface CheckRuleStatusData {
  name: string;
  action: CheckRule_Action;
  matched: number;
  denied: number;
  errors: number;
}

export interface QuotaStatusData {
  name: string;
  maxAmount: number;
  validDurationMs: number;
  allowed: number;
  throttled: number;
  /** Fewest tokens left first, at most 20. */
  buckets: { key: string; tokens: number; throttled: number }[];
  bucketCount: number;
}

export interface PolicyStatusData {
  proxy: string;
  checkRules: CheckRuleStatusData[];
  quotas: QuotaStatusData[];
  reportErrors: number;
  /** Over the proxy's life, every denial (including "no ALLOW rule matched") and every throttle. */
  denied: number;
  throttled: number;
}

/** The compiled policy of every policy filter in a config's listeners. */
export function livePolicies(config: CompiledConfig): CompiledPolicy[] {
  const out: CompiledPolicy[] = [];
  for (const l of config.listeners) if (l.kind === "http") for (const f of l.hcm.filters) if (isPolicyFilter(f)) out.push(f.policy);
  return out;
}

/** `policies` are the policy filters of the live config (a name shared by listeners is listed once). */
export function policyStatus(rt: PolicyRuntime, policies: readonly CompiledPolicy[], now = Date.now()): PolicyStatusData {
  const rules = new Map<string, CheckRuleStatusData>();
  const quotas = new Map<string, QuotaStatusData>();
  for (const p of policies) {
    for (const r of p.rules) if (!rules.has(r.name)) rules.set(r.name, { name: r.name, action: r.action, ...r.counters });
    for (const q of p.quotas) {
      if (quotas.has(q.name)) continue;
      quotas.set(q.name, {
        name: q.name,
        maxAmount: q.maxAmount,
        validDurationMs: q.validMs,
        allowed: q.counters.allowed,
        throttled: q.counters.throttled,
        buckets: q.buckets.busiest(TOP_BUCKETS, now),
        bucketCount: q.buckets.size(),
      });
    }
  }
  return { proxy: rt.proxyId, checkRules: [...rules.values()], quotas: [...quotas.values()], reportErrors: rt.report?.errors() ?? 0, ...rt.totals };
}

export function toProxyPolicyStatus(d: PolicyStatusData): ProxyPolicyStatus {
  return create(ProxyPolicyStatusSchema, {
    proxy: d.proxy,
    checkRules: d.checkRules.map((r) => ({ name: r.name, action: r.action, matched: BigInt(r.matched), denied: BigInt(r.denied), errors: BigInt(r.errors) })),
    quotas: d.quotas.map((q) => ({
      name: q.name,
      maxAmount: q.maxAmount,
      validDuration: { seconds: BigInt(Math.floor(q.validDurationMs / 1000)), nanos: (q.validDurationMs % 1000) * 1e6 },
      allowed: BigInt(q.allowed),
      throttled: BigInt(q.throttled),
      buckets: q.buckets.map((b) => ({ key: b.key, tokens: b.tokens, throttled: BigInt(b.throttled) })),
      bucketCount: q.bucketCount,
    })),
    reportErrors: BigInt(d.reportErrors),
  });
}
