// Stats store: named counters and gauges, created once and then bumped on the hot path as plain fields.
// Names follow Envoy's (`cluster.<name>.upstream_rq_total`, `http.<prefix>.downstream_rq_2xx`).

export interface Counter {
  readonly name: string;
  value: number;
}

export interface Gauge {
  readonly name: string;
  value: number;
}

export interface StatsStore {
  counter(name: string): Counter;
  gauge(name: string): Gauge;
  /** Every stat, sorted by name. */
  snapshot(): { name: string; type: "counter" | "gauge"; value: number }[];
}

export function createStatsStore(): StatsStore {
  const counters = new Map<string, Counter>();
  const gauges = new Map<string, Gauge>();
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
    snapshot() {
      const out: { name: string; type: "counter" | "gauge"; value: number }[] = [];
      for (const c of counters.values()) out.push({ name: c.name, type: "counter", value: c.value });
      for (const g of gauges.values()) out.push({ name: g.name, type: "gauge", value: g.value });
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}
