// Compiles a PolicyFilter (check rules, quotas, report) once per config version into plain lookups: CEL
// programs planned, counters and buckets bound from the proxy's runtime so they survive config swaps.

import { CheckRule_Action, type PolicyFilter } from "../../proto/gen/meshdash/policy/v1/policy_pb";
import { collectIssues, ConfigError, type ConfigIssue } from "../config/config-error";
import { durationToMs } from "../router/compile-route-config";
import { compileExpression, type Evaluator } from "./cel-expression";
import type { PolicyRuntime, QuotaCounters, RuleCounters } from "./policy-runtime";
import type { QuotaBuckets } from "./quota-buckets";

export interface CompiledRule {
  name: string;
  action: CheckRule_Action.DENY | CheckRule_Action.ALLOW;
  /** Undefined matches every request. */
  match: Evaluator<boolean> | undefined;
  reason: string;
  counters: RuleCounters;
}

export interface CompiledQuota {
  name: string;
  match: Evaluator<boolean> | undefined;
  /** Sorted by dimension name, so a bucket key is stable. */
  dimensions: { name: string; value: Evaluator<string> }[];
  maxAmount: number;
  validMs: number;
  counters: QuotaCounters;
  buckets: QuotaBuckets;
}

export interface CompiledPolicy {
  deny: CompiledRule[];
  allow: CompiledRule[];
  /** Every rule in config order (for status). */
  rules: CompiledRule[];
  quotas: CompiledQuota[];
  /** report=true and the proxy has adapters. */
  report: boolean;
  /** The attribute bag is needed: rules, quotas or report. */
  needsAttributes: boolean;
  /** Anything to do at all; an inactive filter has no phases (costs nothing per request). */
  active: boolean;
}

const MAX_DIMENSIONS = 16;

export function compilePolicy(cfg: PolicyFilter, path: string, rt: PolicyRuntime): CompiledPolicy {
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  const rules: CompiledRule[] = [];
  cfg.checkRules.forEach((r, i) => {
    const p = `${path}.check_rules[${i}]`;
    if (!r.name) issues.push({ path: `${p}.name`, message: "is required" });
    else if (names.has(r.name)) issues.push({ path: `${p}.name`, message: `duplicate check rule "${r.name}"` });
    names.add(r.name);
    if (r.action !== CheckRule_Action.DENY && r.action !== CheckRule_Action.ALLOW) issues.push({ path: `${p}.action`, message: "must be ACTION_DENY or ACTION_ALLOW" });
    const match = r.match ? collectIssues(issues, () => compileExpression(r.match, "bool", `${p}.match`)) : undefined;
    rules.push({ name: r.name, action: r.action as CompiledRule["action"], match, reason: r.reason, counters: rt.rule(r.name) });
  });
  const quotaNames = new Set<string>();
  const quotas: CompiledQuota[] = [];
  cfg.quotas.forEach((q, i) => {
    const p = `${path}.quotas[${i}]`;
    if (!q.name) issues.push({ path: `${p}.name`, message: "is required" });
    else if (quotaNames.has(q.name)) issues.push({ path: `${p}.name`, message: `duplicate quota "${q.name}"` });
    quotaNames.add(q.name);
    if (q.maxAmount < 1) issues.push({ path: `${p}.max_amount`, message: "must be at least 1" });
    const validMs = durationToMs(q.validDuration) ?? 0;
    if (validMs < 1) issues.push({ path: `${p}.valid_duration`, message: "is required and must be positive" });
    const dimNames = Object.keys(q.dimensions).sort();
    if (dimNames.length > MAX_DIMENSIONS) issues.push({ path: `${p}.dimensions`, message: `at most ${MAX_DIMENSIONS} dimensions` });
    const dimensions = dimNames.map((name) => ({ name, value: collectIssues(issues, () => compileExpression(q.dimensions[name]!, "string", `${p}.dimensions[${name}]`))! }));
    const match = q.match ? collectIssues(issues, () => compileExpression(q.match, "bool", `${p}.match`)) : undefined;
    if (issues.length) return;
    const state = rt.quota(q.name, q.maxAmount, validMs, dimNames);
    quotas.push({ name: q.name, match, dimensions, maxAmount: q.maxAmount, validMs, ...state });
  });
  if (issues.length) throw new ConfigError(issues);
  const report = cfg.report && rt.report !== undefined;
  return {
    deny: rules.filter((r) => r.action === CheckRule_Action.DENY),
    allow: rules.filter((r) => r.action === CheckRule_Action.ALLOW),
    rules,
    quotas,
    report,
    needsAttributes: rules.length > 0 || quotas.length > 0 || report,
    active: rules.length > 0 || quotas.length > 0 || cfg.report,
  };
}
