// A log-bucketed latency histogram (5 % wide buckets from 1 µs): constant memory per Top row whatever the
// request count, with percentiles accurate to one bucket and clamped to the exact best and worst.

const BASE_MS = 0.001;
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencyHistogram {
  counts: Map<number, number>;
  total: number;
  min: number;
  max: number;
}

export function createHistogram(): LatencyHistogram {
  return { counts: new Map(), total: 0, min: Infinity, max: -Infinity };
}

export function bucketOf(ms: number): number {
  return ms <= BASE_MS ? 0 : Math.ceil(Math.log(ms / BASE_MS) / LOG_GROWTH);
}

/** The upper bound of a bucket, in ms. */
export function bucketValue(b: number): number {
  return BASE_MS * GROWTH ** b;
}

export function record(h: LatencyHistogram, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  const b = bucketOf(ms);
  h.counts.set(b, (h.counts.get(b) ?? 0) + 1);
  h.total++;
  if (ms < h.min) h.min = ms;
  if (ms > h.max) h.max = ms;
}

/** Percentiles (0..1) in one pass over the sorted buckets; undefined when empty. */
export function percentiles(h: LatencyHistogram, ps: readonly number[]): (number | undefined)[] {
  if (h.total === 0) return ps.map(() => undefined);
  const keys = [...h.counts.keys()].sort((a, b) => a - b);
  const ranks = ps.map((p) => Math.max(1, Math.ceil(p * h.total)));
  const out: (number | undefined)[] = ps.map(() => undefined);
  let seen = 0;
  let next = 0;
  const order = ranks.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
  for (const k of keys) {
    seen += h.counts.get(k)!;
    while (next < order.length && order[next]![0] <= seen) {
      out[order[next]![1]] = Math.min(h.max, Math.max(h.min, bucketValue(k)));
      next++;
    }
    if (next === order.length) break;
  }
  return out;
}
