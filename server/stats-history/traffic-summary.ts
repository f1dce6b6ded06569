// Traffic over a span of time (requests, rate, error rate, latency percentiles), built from summed counts
// and summed latency buckets with the engine's histogram quantile, so merged clusters give true percentiles.

import { createHistogram, quantile } from "../../proxy-engine";

export interface TrafficSummary {
  requests: number;
  rps: number;
  /** 0..1; undefined without requests. */
  errorRate: number | undefined;
  p50Ms: number | undefined;
  p90Ms: number | undefined;
  p99Ms: number | undefined;
}

export interface TrafficPoint {
  /** End of the span (ms since the epoch). */
  timeMs: number;
  traffic: TrafficSummary;
}

/** Shared and frozen: no requests in the span. */
export const NO_TRAFFIC: TrafficSummary = Object.freeze({ requests: 0, rps: 0, errorRate: undefined, p50Ms: undefined, p90Ms: undefined, p99Ms: undefined });

/** `buckets` holds one count per bound plus the overflow slot, as the engine's histograms do. */
export function mergeTraffic(requests: number, errors: number, buckets: ArrayLike<number>, bounds: readonly number[], spanMs: number): TrafficSummary {
  const h = createHistogram("merged", bounds);
  for (let i = 0; i < h.counts.length; i++) {
    const n = buckets[i] ?? 0;
    h.counts[i] = n;
    h.count += n;
  }
  const q = (x: number) => (h.count === 0 ? undefined : round3(quantile(h, x)));
  return {
    requests,
    rps: spanMs > 0 ? requests / (spanMs / 1000) : 0,
    errorRate: requests > 0 ? Math.min(1, errors / requests) : undefined,
    p50Ms: q(0.5),
    p90Ms: q(0.9),
    p99Ms: q(0.99),
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
