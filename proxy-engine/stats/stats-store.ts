// Stats store: named counters, gauges and histograms, created once and then bumped on the hot path as plain
// fields. Names follow Envoy's (`cluster.<name>.upstream_rq_total`, `http.<prefix>.downstream_rq_2xx`).

export interface Counter {
  readonly name: string;
  value: number;
}

export interface Gauge {
  readonly name: string;
  value: number;
}

/** Envoy's default histogram bucket bounds, in milliseconds. */
export const DEFAULT_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

export interface Histogram {
  readonly name: string;
  readonly bounds: readonly number[];
  /** counts[i] holds values <= bounds[i] (and > bounds[i-1]); the last slot holds values above every bound. */
  readonly counts: number[];
  sum: number;
  count: number;
  record(value: number): void;
}

export type StatSnapshot =
  | { name: string; type: "counter" | "gauge"; value: number }
  | { name: string; type: "histogram"; histogram: Histogram };

export interface StatsStore {
  counter(name: string): Counter;
  gauge(name: string): Gauge;
  histogram(name: string): Histogram;
  /** Every stat, sorted by name. */
  snapshot(): StatSnapshot[];
}

export function createHistogram(name: string, bounds: readonly number[] = DEFAULT_BUCKETS): Histogram {
  const h: Histogram = {
    name,
    bounds,
    counts: new Array<number>(bounds.length + 1).fill(0),
    sum: 0,
    count: 0,
    record(v) {
      let i = 0;
      while (i < bounds.length && v > bounds[i]!) i++;
      h.counts[i]!++;
      h.sum += v;
      h.count++;
    },
  };
  return h;
}

/** Estimates quantile q (0..1) by linear interpolation inside the bucket that holds it. */
export function quantile(h: Histogram, q: number): number {
  if (h.count === 0) return NaN;
  const rank = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : h.bounds[i - 1]!;
      const hi = i < h.bounds.length ? h.bounds[i]! : lo;
      return lo + ((rank - seen) / c) * (hi - lo);
    }
    seen += c;
  }
  return h.bounds[h.bounds.length - 1]!;
}

export function createStatsStore(): StatsStore {
  const counters = new Map<string, Counter>();
  const gauges = new Map<string, Gauge>();
  const histograms = new Map<string, Histogram>();
  return {
    counter(name) {
      let c = counters.get(name);
      if (!c) {
        c = { name, value: 0 };
        counters.set(name, c);
      }
      return c;
    },
    gauge(name) {
      let g = gauges.get(name);
      if (!g) {
        g = { name, value: 0 };
        gauges.set(name, g);
      }
      return g;
    },
    histogram(name) {
      let h = histograms.get(name);
      if (!h) {
        h = createHistogram(name);
        histograms.set(name, h);
      }
      return h;
    },
    snapshot() {
      const out: StatSnapshot[] = [];
      for (const c of counters.values()) out.push({ name: c.name, type: "counter", value: c.value });
      for (const g of gauges.values()) out.push({ name: g.name, type: "gauge", value: g.value });
      for (const h of histograms.values()) out.push({ name: h.name, type: "histogram", histogram: h });
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}
