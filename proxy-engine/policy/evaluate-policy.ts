// Check and Quota for one request's attribute bag: DENY rules in order, then ALLOW rules (when any exist,
// one must match); then every matching quota takes a token. Evaluation errors never throw: a rule or quota
// whose expression fails does not match, and the error is counted.

import { EVAL_ERROR } from "./cel-expression";
import type { Attributes } from "./attributes";
import type { CompiledPolicy, CompiledQuota, CompiledRule } from "./compile-policy";

/** The name reported for a request denied because no ALLOW rule matched. */
export const NO_ALLOW_MATCH = "no-allow-rule-matched";

export type CheckVerdict = { denied: false } | { denied: true; rule: CompiledRule | undefined };

const ALLOWED: CheckVerdict = Object.freeze({ denied: false });

function matches(r: CompiledRule, a: Attributes): boolean {
  if (r.match === undefined) return true;
  const v = r.match(a);
  if (v === EVAL_ERROR) {
    r.counters.errors++;
    return false;
  }
  return v;
}

export function runCheck(p: CompiledPolicy, a: Attributes): CheckVerdict {
  for (const r of p.deny) {
    if (matches(r, a)) {
      r.counters.matched++;
      r.counters.denied++;
      return { denied: true, rule: r };
    }
  }
  if (p.allow.length === 0) return ALLOWED;
  for (const r of p.allow) {
    if (matches(r, a)) {
      r.counters.matched++;
      return ALLOWED;
    }
  }
  return { denied: true, rule: undefined };
}

/** "name=value" pairs joined by ", " (the key QuotaStatus shows); a failed dimension is empty. */
export function bucketKey(q: CompiledQuota, a: Attributes): string {
  const d = q.dimensions;
  if (d.length === 0) return "";
  let key = "";
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!.value(a);
    key += `${i === 0 ? "" : ", "}${d[i]!.name}=${v === EVAL_ERROR ? "" : v}`;
  }
  return key;
}

export type QuotaVerdict = { ok: true } | { ok: false; quota: CompiledQuota; retryAfterS: number };

const OK: QuotaVerdict = Object.freeze({ ok: true });

export function runQuotas(p: CompiledPolicy, a: Attributes, now: number): QuotaVerdict {
  for (const q of p.quotas) {
    if (q.match !== undefined && q.match(a) !== true) continue;
    const r = q.buckets.take(bucketKey(q, a), now);
    if (r.ok) {
      q.counters.allowed++;
      continue;
    }
    q.counters.throttled++;
    return { ok: false, quota: q, retryAfterS: r.retryAfterS };
  }
  return OK;
}
