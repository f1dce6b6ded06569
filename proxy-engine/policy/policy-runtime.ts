// A proxy's policy state that outlives config versions: rule and quota counters and quota buckets keyed by
// name (a swap that keeps a name keeps its counts), the report buffer and adapters, and who the proxy is.

import { createReportBuffer, type ReportAdapter, type ReportBuffer } from "./report";
import { createQuotaBuckets, type QuotaBuckets } from "./quota-buckets";
import { createServiceLookup, type DestinationService } from "./destination-service";
import { createWorkloadCache, workloadOf, type Workload } from "./workload";
import type { CompiledRoute } from "../router/route-table";

export interface RuleCounters {
  matched: number;
  denied: number;
  errors: number;
}

export interface QuotaCounters {
  allowed: number;
  throttled: number;
}

export interface QuotaState {
  counters: QuotaCounters;
  /** Shared while max_amount, valid_duration and the dimension names stay; a change starts them over. */
  buckets: QuotaBuckets;
}

export interface PolicyRuntimeOptions {
  /** The proxy's node id (Istio-shaped ids give its workload). */
  proxyId: string;
  role?: "sidecar" | "gateway";
  adapters?: readonly ReportAdapter[];
  onReportError?: (adapter: string, e: unknown) => void;
}

export interface PolicyRuntime {
  readonly proxyId: string;
  readonly role: "sidecar" | "gateway";
  readonly self: Workload;
  /** Undefined when the proxy has no adapters: reporting is then skipped entirely. */
  readonly report: ReportBuffer | undefined;
  /** Requests denied by a check (rule or default deny) and throttled by a quota, over the proxy's life. */
  readonly totals: { denied: number; throttled: number };
  peer(nodeId: string): Workload;
  service(route: CompiledRoute | undefined): DestinationService;
  rule(name: string): RuleCounters;
  quota(name: string, maxAmount: number, validMs: number, dimensions: readonly string[]): QuotaState;
  /** Forgets rules, quotas and buckets the live config no longer uses (buckets can be large). */
  retain(rules: ReadonlySet<string>, quotas: ReadonlySet<string>, buckets: ReadonlySet<QuotaBuckets>): void;
}

export function createPolicyRuntime(opts: PolicyRuntimeOptions): PolicyRuntime {
  const rules = new Map<string, RuleCounters>();
  const quotas = new Map<string, QuotaCounters>();
  const buckets = new Map<string, QuotaBuckets>();
  const adapters = opts.adapters ?? [];
  const peer = createWorkloadCache();
  return {
    proxyId: opts.proxyId,
    role: opts.role ?? "sidecar",
    self: workloadOf(opts.proxyId),
    report: adapters.length ? createReportBuffer(adapters, opts.onReportError) : undefined,
    totals: { denied: 0, throttled: 0 },
    peer,
    service: createServiceLookup(),
    rule(name) {
      let r = rules.get(name);
      if (!r) {
        r = { matched: 0, denied: 0, errors: 0 };
        rules.set(name, r);
      }
      return r;
    },
    quota(name, maxAmount, validMs, dimensions) {
      let counters = quotas.get(name);
      if (!counters) {
        counters = { allowed: 0, throttled: 0 };
        quotas.set(name, counters);
      }
      const key = `${name}\u0000${maxAmount}/${validMs}/${[...dimensions].sort().join(",")}`;
      let b = buckets.get(key);
      if (!b) {
        b = createQuotaBuckets(maxAmount, validMs);
        buckets.set(key, b);
      }
      return { counters, buckets: b };
    },
    retain(liveRules, liveQuotas, liveBuckets) {
      for (const k of rules.keys()) if (!liveRules.has(k)) rules.delete(k);
      for (const k of quotas.keys()) if (!liveQuotas.has(k)) quotas.delete(k);
      for (const [k, b] of buckets) if (!liveBuckets.has(b)) buckets.delete(k);
    },
  };
}
