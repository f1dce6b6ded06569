// The shared cluster stats sampler on fake proxies with the engine's real histograms: per-sample deltas,
// rates from the sample clock, merged percentiles, the bounded five-minute ring, clusters coming and
// going, and the cost of a sample over 9,000 clusters.

import { describe, expect, it, vi } from "vitest";
import { createHistogram, type Proxy } from "../../proxy-engine";
import { createClusterStatsSampler } from "./cluster-stats-sampler";

interface FakeCluster {
  name: string;
  endpoints: { stats: { rq_total: number; rq_error: number } }[];
  stats: { upstream_rq_time: ReturnType<typeof createHistogram> };
}

function fakeCluster(name: string, endpoints = 1): FakeCluster {
  return { name, endpoints: Array.from({ length: endpoints }, () => ({ stats: { rq_total: 0, rq_error: 0 } })), stats: { upstream_rq_time: createHistogram(`cluster.${name}.upstream_rq_time`) } };
}

function fakeProxy(id: string, clusters: FakeCluster[]) {
  const map = new Map(clusters.map((c) => [c.name, c]));
  return { id, map, proxy: { id, config: () => ({ clusters: map }) } as unknown as Proxy };
}

/** `n` requests to the cluster's first endpoint, `errors` of them failed, each taking `ms`. */
function traffic(c: FakeCluster, n: number, errors: number, ms: number) {
  const ep = c.endpoints[0]!;
  ep.stats.rq_total += n;
  ep.stats.rq_error += errors;
  for (let i = 0; i < n; i++) c.stats.upstream_rq_time.record(ms);
}

describe("cluster stats sampler", () => {
  it("turns counter deltas into per-sample points with rates from the sample clock", () => {
    const a = fakeCluster("a");
    traffic(a, 50, 5, 3); // before the first sample: the baseline, never reported
    const p = fakeProxy("p1", [a]);
    const s = createClusterStatsSampler({ proxies: () => [p.proxy], intervalMs: 2000 });
    s.sample(10_000);
    expect(s.history([{ proxy: "p1", cluster: "a" }])).toEqual([]);
    expect(s.latest({ proxy: "p1", cluster: "a" })).toBeUndefined();
    traffic(a, 20, 2, 3);
    s.sample(12_000);
    const latest = s.latest({ proxy: "p1", cluster: "a" })!;
    expect(latest.timeMs).toBe(12_000);
    expect(latest.traffic.requests).toBe(20);
    expect(latest.traffic.rps).toBe(10);
    expect(latest.traffic.errorRate).toBeCloseTo(0.1);
    // 3 ms falls in Envoy's (1, 5] bucket; quantiles interpolate inside it.
    expect(latest.traffic.p50Ms).toBeGreaterThan(1);
    expect(latest.traffic.p99Ms).toBeLessThanOrEqual(5);
    s.sample(14_000); // idle
    const h = s.history([{ proxy: "p1", cluster: "a" }]);
    expect(h.map((x) => [x.timeMs, x.traffic.requests, x.traffic.rps])).toEqual([
      [12_000, 20, 10],
      [14_000, 0, 0],
    ]);
    expect(h[1]!.traffic.errorRate).toBeUndefined();
    expect(h[1]!.traffic.p99Ms).toBeUndefined();
  });

  it("merges clusters across proxies into one rate, error rate and true percentiles", () => {
    const fast = fakeCluster("inbound|9080||svc");
    const slow = fakeCluster("inbound|9080||svc");
    const p1 = fakeProxy("p1", [fast]);
    const p2 = fakeProxy("p2", [slow]);
    const s = createClusterStatsSampler({ proxies: () => [p1.proxy, p2.proxy], intervalMs: 1000 });
    s.sample(0);
    traffic(fast, 90, 0, 0.3);
    traffic(slow, 10, 10, 800);
    s.sample(1000);
    const refs = [
      { proxy: "p1", cluster: fast.name },
      { proxy: "p2", cluster: slow.name },
    ];
    const t = s.traffic(refs, 60_000);
    expect(t.requests).toBe(100);
    expect(t.rps).toBe(100);
    expect(t.errorRate).toBeCloseTo(0.1);
    expect(t.p50Ms).toBeLessThanOrEqual(0.5);
    expect(t.p99Ms).toBeGreaterThan(500);
  });

  it("counts only the window asked for, and history merges into the number of points asked for", () => {
    const a = fakeCluster("a");
    const p = fakeProxy("p", [a]);
    const s = createClusterStatsSampler({ proxies: () => [p.proxy], intervalMs: 2000 });
    s.sample(0);
    for (let i = 1; i <= 60; i++) {
      traffic(a, i <= 30 ? 4 : 2, 0, 1);
      s.sample(i * 2000);
    }
    // The last minute is the last 30 samples: 2 requests each.
    expect(s.traffic([{ proxy: "p", cluster: "a" }], 60_000)).toMatchObject({ requests: 60, rps: 1 });
    const h = s.history([{ proxy: "p", cluster: "a" }], 6);
    expect(h).toHaveLength(6);
    expect(h.map((x) => x.traffic.requests)).toEqual([40, 40, 40, 20, 20, 20]);
    expect(h.at(-1)!.timeMs).toBe(120_000);
  });

  it("puts merged history points of clusters seen at different times on the same times", () => {
    const a = fakeCluster("a");
    const b = fakeCluster("b");
    const p = fakeProxy("p", [a]);
    const s = createClusterStatsSampler({ proxies: () => [p.proxy], intervalMs: 2000 });
    for (let i = 0; i <= 40; i++) {
      if (i === 17) p.map.set("b", b);
      traffic(a, 1, 0, 1);
      traffic(b, 1, 0, 1);
      s.sample(i * 2000);
    }
    const ta = s.history([{ proxy: "p", cluster: "a" }], 8).map((x) => x.timeMs);
    const tb = s.history([{ proxy: "p", cluster: "b" }], 8).map((x) => x.timeMs);
    expect(tb.length).toBeLessThan(ta.length);
    expect(ta.slice(-tb.length)).toEqual(tb);
  });

  it("keeps a bounded five-minute ring, and frees it once a cluster has been idle as long", () => {
    const a = fakeCluster("a");
    const p = fakeProxy("p", [a]);
    const s = createClusterStatsSampler({ proxies: () => [p.proxy], intervalMs: 2000, historyMs: 300_000 });
    s.sample(0);
    for (let i = 1; i <= 400; i++) {
      traffic(a, 1, 0, 1);
      s.sample(i * 2000);
    }
    const h = s.history([{ proxy: "p", cluster: "a" }]);
    expect(h).toHaveLength(150);
    expect(h[0]!.timeMs).toBe((400 - 149) * 2000);
    expect(h.every((x) => x.traffic.requests === 1 && x.traffic.rps === 0.5)).toBe(true);
    for (let i = 401; i <= 600; i++) s.sample(i * 2000);
    expect(s.history([{ proxy: "p", cluster: "a" }]).every((x) => x.traffic.requests === 0)).toBe(true);
    traffic(a, 3, 0, 1);
    s.sample(601 * 2000);
    expect(s.latest({ proxy: "p", cluster: "a" })!.traffic.requests).toBe(3);
    expect(s.history([{ proxy: "p", cluster: "a" }]).filter((x) => x.traffic.requests > 0)).toHaveLength(1);
  });

  it("drops clusters that leave a config and starts returning ones from a fresh baseline", () => {
    const a = fakeCluster("a", 2);
    const p = fakeProxy("p", [a]);
    const s = createClusterStatsSampler({ proxies: () => [p.proxy] });
    s.sample(0);
    traffic(a, 5, 0, 1);
    s.sample(2000);
    // An endpoint with traffic leaves: no negative traffic.
    a.endpoints.shift();
    s.sample(4000);
    expect(s.latest({ proxy: "p", cluster: "a" })!.traffic.requests).toBe(0);
    p.map.delete("a");
    s.sample(6000);
    expect(s.latest({ proxy: "p", cluster: "a" })).toBeUndefined();
    expect(s.history([{ proxy: "p", cluster: "a" }])).toEqual([]);
    p.map.set("a", a);
    traffic(a, 7, 0, 1);
    s.sample(8000);
    expect(s.latest({ proxy: "p", cluster: "a" })).toBeUndefined();
    traffic(a, 1, 0, 1);
    s.sample(10_000);
    expect(s.history([{ proxy: "p", cluster: "a" }]).map((x) => x.traffic.requests)).toEqual([1]);
  });

  it("counts a series' first reading (it appears with its first traffic), unlike a cluster's baseline", () => {
    const reading = { name: "details.default.svc.cluster.local", requests: 0, errors: 0, histogram: { count: 0, counts: [0, 0, 0] } };
    const s = createClusterStatsSampler({ proxies: () => [], series: () => [{ source: "istio", readings: reading.requests ? [reading] : [] }] });
    const ref = { proxy: "istio", cluster: reading.name };
    s.sample(0);
    expect(s.has(ref)).toBe(false);
    Object.assign(reading, { requests: 4, errors: 1, histogram: { count: 4, counts: [0, 0, 4] } });
    s.sample(2000);
    expect(s.has(ref)).toBe(true);
    expect(s.latest(ref)!.traffic.requests).toBe(4);
    Object.assign(reading, { requests: 10, histogram: { count: 10, counts: [0, 0, 10] } });
    s.sample(4000);
    expect(s.history([ref]).map((p) => p.traffic.requests)).toEqual([4, 6]);
    expect(s.traffic([ref], 60_000)).toMatchObject({ requests: 10, errorRate: 0.1 });
  });

  it("samples on a timer once started, tells listeners, and stops", () => {
    vi.useFakeTimers();
    try {
      const p = fakeProxy("p", [fakeCluster("a")]);
      const s = createClusterStatsSampler({ proxies: () => [p.proxy], intervalMs: 2000 });
      const seen = vi.fn();
      s.onSample(seen);
      s.start();
      expect(s.samples).toBe(1);
      vi.advanceTimersByTime(6000);
      expect(s.samples).toBe(4);
      expect(seen).toHaveBeenCalledTimes(4);
      s.stop();
      vi.advanceTimersByTime(6000);
      expect(s.samples).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it("samples 9 proxies × 1,000 clusters cheaply", () => {
    const proxies = Array.from({ length: 9 }, (_, i) => fakeProxy(`p${i}`, Array.from({ length: 1000 }, (_, j) => fakeCluster(`outbound|80||svc-${j}.scale.svc.cluster.local`, 2))));
    const s = createClusterStatsSampler({ proxies: () => proxies.map((p) => p.proxy) });
    s.sample(0);
    // A few clusters with traffic, as in a demo mesh with many idle services.
    const busy = proxies.flatMap((p) => [...p.map.values()].slice(0, 5));
    const times: number[] = [];
    for (let i = 1; i <= 20; i++) {
      for (const c of busy) traffic(c, 3, 0, 2);
      const t0 = performance.now();
      s.sample(i * 2000);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const median = times[times.length >> 1]!;
    console.log(`sample of 9,000 clusters: median ${median.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms`);
    expect(median).toBeLessThan(50);
    expect(s.traffic([{ proxy: "p0", cluster: busy[0]!.name }], 60_000).requests).toBe(60);
  });
});
