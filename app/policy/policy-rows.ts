// The Policy page's rows: each stored CheckRule and Quota (read from its YAML) joined with what the proxies
// running it report (summed over proxies), plus each quota's busiest buckets per proxy.

import { asObj, isObj, text } from "../config/form-kit";
import { isPolicyKind, type PolicyKind } from "../config/rule-ref";
import { specOfYaml } from "../config/rule-yaml";

/** The parts of GetPolicyStatusResponse the page reads (the generated message satisfies this). */
export interface StatusLike {
  denied: bigint;
  throttled: bigint;
  proxies: readonly {
    proxy: string;
    checkRules: readonly { name: string; matched: bigint; denied: bigint; errors: bigint }[];
    quotas: readonly { name: string; maxAmount: number; allowed: bigint; throttled: bigint; bucketCount: number; buckets: readonly { key: string; tokens: number; throttled: bigint }[] }[];
  }[];
}

export interface PolicyRule {
  kind: PolicyKind;
  namespace: string;
  name: string;
  revision: number;
  /** matchLabels; undefined = every workload of the namespace (istio-system: of the mesh). */
  selector?: Record<string, string>;
  match: string;
  action: string;
  reason: string;
  maxAmount?: number;
  validDuration: string;
  dimensions: Record<string, string>;
}

export interface QuotaProxyBuckets {
  proxy: string;
  maxAmount: number;
  bucketCount: number;
  buckets: { key: string; tokens: number; throttled: number }[];
}

export interface LiveCounts {
  /** Proxies that run this rule now. */
  proxies: number;
  matched: number;
  denied: number;
  errors: number;
  allowed: number;
  throttled: number;
  bucketCount: number;
  /** Quotas only: per proxy, busiest first. */
  perProxy: QuotaProxyBuckets[];
}

export interface PolicyRow {
  rule: PolicyRule;
  live?: LiveCounts;
}

const strings = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(asObj(v)).map(([k, x]) => [k, text(x)]));

export function policyRuleOf(ref: { kind: string; namespace: string; name: string }, yaml: string, revision: number): PolicyRule | undefined {
  if (!isPolicyKind(ref.kind)) return undefined;
  const spec = specOfYaml(yaml);
  const sel = asObj(spec.selector);
  const amount = Number(spec.maxAmount);
  return {
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
    revision,
    selector: isObj(sel.matchLabels) ? strings(sel.matchLabels) : undefined,
    match: text(spec.match),
    action: text(spec.action),
    reason: text(spec.reason),
    maxAmount: Number.isFinite(amount) && spec.maxAmount !== undefined ? amount : undefined,
    validDuration: text(spec.validDuration),
    dimensions: strings(spec.dimensions),
  };
}

const zero = (): LiveCounts => ({ proxies: 0, matched: 0, denied: 0, errors: 0, allowed: 0, throttled: 0, bucketCount: 0, perProxy: [] });

/** Live counts per "Kind namespace/name"; the proxies name their rules "namespace/name". */
export function liveCounts(status: StatusLike): Map<string, LiveCounts> {
  const out = new Map<string, LiveCounts>();
  const at = (key: string) => out.get(key) ?? (out.set(key, zero()), out.get(key)!);
  for (const p of status.proxies) {
    for (const c of p.checkRules) {
      const l = at(`CheckRule ${c.name}`);
      l.proxies++;
      l.matched += Number(c.matched);
      l.denied += Number(c.denied);
      l.errors += Number(c.errors);
    }
    for (const q of p.quotas) {
      const l = at(`Quota ${q.name}`);
      l.proxies++;
      l.allowed += Number(q.allowed);
      l.throttled += Number(q.throttled);
      l.bucketCount += q.bucketCount;
      l.perProxy.push({ proxy: p.proxy, maxAmount: q.maxAmount, bucketCount: q.bucketCount, buckets: q.buckets.map((b) => ({ key: b.key, tokens: b.tokens, throttled: Number(b.throttled) })) });
    }
  }
  for (const l of out.values()) l.perProxy.sort((a, b) => a.proxy.localeCompare(b.proxy));
  return out;
}

/** Check rules first, then quotas, each by namespace and name; live counts when a status is at hand. */
export function policyRows(rules: readonly PolicyRule[], status?: StatusLike): PolicyRow[] {
  const live = status ? liveCounts(status) : undefined;
  return [...rules]
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
    .map((rule) => ({ rule, live: live ? (live.get(`${rule.kind} ${rule.namespace}/${rule.name}`) ?? zero()) : undefined }));
}

/** Who a rule applies to, in words. */
export function scopeText(r: Pick<PolicyRule, "selector" | "namespace">): string {
  if (r.selector && Object.keys(r.selector).length) return Object.entries(r.selector).map(([k, v]) => `${k}=${v}`).join(", ");
  return r.namespace === "istio-system" ? "every workload (mesh-wide)" : `every workload in ${r.namespace}`;
}
