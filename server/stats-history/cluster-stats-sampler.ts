// The one shared stats sampler: every couple of seconds it reads each in-process proxy's clusters (the
// endpoints' request and error counters, the upstream latency histogram) and keeps the last five minutes
// of per-sample deltas per cluster, so charts fill at once and windows (last minute, per service) are sums.
// Cheap on purpose: an idle cluster costs a map entry and a few numbers; only clusters that saw traffic
// in the last five minutes hold a ring (about 13 KB each), which is freed once they have been idle as long.

import { DEFAULT_BUCKETS, type Proxy } from "../../proxy-engine";
import { mergeTraffic, NO_TRAFFIC, type TrafficPoint, type TrafficSummary } from "./traffic-summary";

export const SAMPLE_INTERVAL_MS = 2000;
export const HISTORY_MS = 5 * 60_000;
/** Latency histogram slots: one per bucket bound, plus the overflow slot. */
const SLOTS = DEFAULT_BUCKETS.length + 1;

/** One cluster of one proxy. */
export interface ClusterRef {
  proxy: string;
  cluster: string;
}

export interface ClusterStatsSampler {
  readonly intervalMs: number;
  readonly historyMs: number;
  /** Samples taken so far. */
  readonly samples: number;
  /** Reads every proxy once (the timer calls this; tests call it to step time). */
  sample(now?: number): void;
  /** The clusters' traffic merged over the last windowMs (whole samples). */
  traffic(refs: readonly ClusterRef[], windowMs: number): TrafficSummary;
  /** The clusters' merged history, one point per sample, or `points` evenly merged points when fewer. */
  history(refs: readonly ClusterRef[], points?: number): TrafficPoint[];
  /** Whether the last sample saw this cluster (or series). */
  has(ref: ClusterRef): boolean;
  /** The newest sample's point, when the cluster was already known at the sample before it. */
  latest(ref: ClusterRef): TrafficPoint | undefined;
  /** Called after every sample; returns the unsubscribe. */
  onSample(listener: () => void): () => void;
  start(): void;
  stop(): void;
}

interface Ring {
  requests: Float64Array;
  errors: Float64Array;
  /** SLOTS latency bucket counts per sample. */
  buckets: Uint32Array;
}

interface Track {
  /** The sample this cluster was last seen in (older tracks are dropped). */
  seen: number;
  /** The first sample with a point (the one after the cluster was first seen, which is its baseline). */
  since: number;
  total: number;
  errors: number;
  histCount: number;
  /** Cumulative bucket counts at the last sample; undefined while all are zero. */
  hist: Float64Array | undefined;
  ring: Ring | undefined;
  lastActive: number;
}

/** One counter series that is not a proxy's cluster (e.g. Istio's metrics per destination service). */
export interface SeriesReading {
  name: string;
  requests: number;
  errors: number;
  /** Per-bucket counts over DEFAULT_BUCKETS (plus overflow), and their total. */
  histogram: { count: number; counts: ArrayLike<number> };
}

export interface SamplerOptions {
  proxies(): readonly Proxy[];
  /**
   * More series, read at each sample like a proxy's clusters: `source` stands where a proxy id would. A
   * series appears with its first traffic, so unlike a cluster its first reading is counted, not a baseline.
   */
  series?(): Iterable<{ source: string; readings: Iterable<SeriesReading> }>;
  intervalMs?: number;
  historyMs?: number;
}

export function createClusterStatsSampler(opts: SamplerOptions): ClusterStatsSampler {
  const intervalMs = opts.intervalMs ?? SAMPLE_INTERVAL_MS;
  const historyMs = opts.historyMs ?? HISTORY_MS;
  /** Ring length in samples: enough for historyMs of points, plus the baseline before the oldest one. */
  const size = Math.ceil(historyMs / intervalMs) + 1;
  const times = new Float64Array(size);
  const tracks = new Map<string, Map<string, Track>>();
  const listeners = new Set<() => void>();
  let count = 0;
  let timer: NodeJS.Timeout | undefined;

  const newRing = (): Ring => ({ requests: new Float64Array(size), errors: new Float64Array(size), buckets: new Uint32Array(size * SLOTS) });

  function sample(now = Date.now()): void {
    const s = count;
    const slot = s % size;
    times[slot] = now;
    /** `fresh`: the counters started at zero when the series first appeared, so all of them are new traffic. */
    const observe = (byName: Map<string, Track>, name: string, total: number, errors: number, h: { count: number; counts: ArrayLike<number> }, fresh = false): void => {
      let t = byName.get(name);
      if (!t && !fresh) {
        byName.set(name, { seen: s, since: s + 1, total, errors, histCount: h.count, hist: h.count ? Float64Array.from(h.counts) : undefined, ring: undefined, lastActive: -size });
        return;
      }
      if (!t) byName.set(name, (t = { seen: s, since: s, total: 0, errors: 0, histCount: 0, hist: undefined, ring: undefined, lastActive: -size }));
      t.seen = s;
      // Endpoints leaving the cluster take their counters with them: never count that as negative traffic.
      const dReq = Math.max(0, total - t.total);
      const dErr = Math.max(0, errors - t.errors);
      const dHist = h.count - t.histCount;
      t.total = total;
      t.errors = errors;
      t.histCount = h.count;
      if (dReq === 0 && dErr === 0 && dHist <= 0) {
        const ring = t.ring;
        if (ring) {
          ring.requests[slot] = 0;
          ring.errors[slot] = 0;
          ring.buckets.fill(0, slot * SLOTS, slot * SLOTS + SLOTS);
          if (s - t.lastActive >= size) t.ring = undefined;
        }
        return;
      }
      t.lastActive = s;
      const ring = (t.ring ??= newRing());
      ring.requests[slot] = dReq;
      ring.errors[slot] = dErr;
      const base = slot * SLOTS;
      if (dHist > 0) {
        const prev = (t.hist ??= new Float64Array(SLOTS));
        for (let i = 0; i < SLOTS; i++) {
          const cur = h.counts[i] ?? 0;
          ring.buckets[base + i] = Math.max(0, cur - prev[i]!);
          prev[i] = cur;
        }
      } else {
        ring.buckets.fill(0, base, base + SLOTS);
      }
    };
    const tracksOfSource = (source: string): Map<string, Track> => {
      let byName = tracks.get(source);
      if (!byName) tracks.set(source, (byName = new Map()));
      return byName;
    };
    for (const p of opts.proxies()) {
      const byName = tracksOfSource(p.id);
      for (const c of p.config().clusters.values()) {
        let total = 0;
        let errors = 0;
        for (const ep of c.endpoints) {
          total += ep.stats.rq_total;
          errors += ep.stats.rq_error;
        }
        observe(byName, c.name, total, errors, c.stats.upstream_rq_time);
      }
    }
    for (const { source, readings } of opts.series?.() ?? []) {
      const byName = tracksOfSource(source);
      for (const r of readings) observe(byName, r.name, r.requests, r.errors, r.histogram, true);
    }
    for (const [proxy, byName] of tracks) {
      for (const [name, t] of byName) if (t.seen !== s) byName.delete(name);
      if (byName.size === 0) tracks.delete(proxy);
    }
    count = s + 1;
    for (const l of listeners) {
      try {
        l();
      } catch {
        // A listener's failure is its own; the sampler keeps going.
      }
    }
  }

  /** The oldest sample whose point is still whole in the ring (its baseline time is kept too). */
  const oldest = () => Math.max(1, count - size + 1);

  function tracksOf(refs: readonly ClusterRef[]): Track[] {
    const out: Track[] = [];
    for (const r of refs) {
      const t = tracks.get(r.proxy)?.get(r.cluster);
      if (t) out.push(t);
    }
    return out;
  }

  /** Merged traffic of samples from..to (inclusive). */
  function aggregate(ts: readonly Track[], from: number, to: number): TrafficSummary {
    // Most clusters of a big mesh are idle: answer them without allocating.
    if (!ts.some((t) => t.ring)) return NO_TRAFFIC;
    const spanMs = from <= to ? times[to % size]! - times[(from - 1) % size]! : 0;
    const buckets = new Float64Array(SLOTS);
    let requests = 0;
    let errors = 0;
    for (const t of ts) {
      const ring = t.ring;
      if (!ring) continue;
      for (let s = Math.max(from, t.since); s <= to; s++) {
        const slot = s % size;
        requests += ring.requests[slot]!;
        errors += ring.errors[slot]!;
        const base = slot * SLOTS;
        for (let i = 0; i < SLOTS; i++) buckets[i]! += ring.buckets[base + i]!;
      }
    }
    return mergeTraffic(requests, errors, buckets, DEFAULT_BUCKETS, spanMs);
  }

  return {
    intervalMs,
    historyMs,
    get samples() {
      return count;
    },
    sample,
    traffic(refs, windowMs) {
      const n = Math.max(1, Math.round(windowMs / intervalMs));
      return aggregate(tracksOf(refs), Math.max(oldest(), count - n), count - 1);
    },
    history(refs, points = 0) {
      const ts = tracksOf(refs);
      const first = oldest();
      const to = count - 1;
      if (ts.length === 0 || to < first) return [];
      const from = Math.max(first, Math.min(...ts.map((t) => t.since)));
      // Chunks end at the newest sample (the last point is always current) and their size comes from the
      // whole ring, so every cluster's and service's points fall on the same times and can be summed.
      const span = to - first + 1;
      const step = points > 0 && points < span ? Math.ceil(span / points) : 1;
      const out: TrafficPoint[] = [];
      for (let end = to; end >= from; end -= step) {
        const start = Math.max(from, end - step + 1);
        out.push({ timeMs: times[end % size]!, traffic: aggregate(ts, start, end) });
      }
      return out.reverse();
    },
    has(ref) {
      return tracks.get(ref.proxy)?.has(ref.cluster) ?? false;
    },
    latest(ref) {
      const t = tracks.get(ref.proxy)?.get(ref.cluster);
      const s = count - 1;
      if (!t || s < t.since) return undefined;
      return { timeMs: times[s % size]!, traffic: aggregate([t], s, s) };
    },
    onSample(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (timer) return;
      sample();
      timer = setInterval(() => sample(), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}
