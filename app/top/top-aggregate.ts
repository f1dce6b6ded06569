// Linkerd's top, client-side: finished tap streams folded into one row per (direction, source, destination,
// method, path) with count, success rate, best/worst/last latency, p50/p95/p99 and RPS over a sliding window.
// Mutable and cheap per stream; `snapshot` makes the immutable rows the table renders (about once a second).

import { isSuccess, type TapRow } from "../tap/tap-rows";
import { hostOf } from "../tap/tap-names";
import { createHistogram, percentiles, record, type LatencyHistogram } from "./latency-histogram";

/** Seconds of history the RPS column averages over. */
export const RPS_WINDOW_S = 10;

interface Bucket {
  sec: number;
  n: number;
}

export interface TopStats {
  key: string;
  direction: TapRow["direction"];
  source: string;
  destination: string;
  method: string;
  path: string;
  count: number;
  successes: number;
  bestMs: number | undefined;
  worstMs: number | undefined;
  lastMs: number | undefined;
  lastSeen: number;
  hist: LatencyHistogram;
  window: Bucket[];
  /** Which proxies, source IPs and authorities fed the row (for the Tap link's filter), capped. */
  proxies: Set<string>;
  sourceIps: Set<string>;
  authorities: Set<string>;
  dirty: boolean;
  cached: { p50: number | undefined; p95: number | undefined; p99: number | undefined };
}

export interface TopRow {
  key: string;
  direction: TapRow["direction"];
  source: string;
  destination: string;
  method: string;
  path: string;
  count: number;
  successRate: number | undefined;
  rps: number;
  bestMs: number | undefined;
  worstMs: number | undefined;
  lastMs: number | undefined;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  lastSeen: number;
  /** The single proxy / source IP / authority every stream of the row came through, if there was one. */
  proxy: string | undefined;
  sourceIp: string | undefined;
  authority: string | undefined;
}

export interface TopAggregate {
  rows: Map<string, TopStats>;
  /** When counting started (RPS for a young row divides by the time since, not the whole window). */
  since: number;
  streams: number;
}

export function createTopAggregate(now: number): TopAggregate {
  return { rows: new Map(), since: now, streams: 0 };
}

export const topKey = (r: Pick<TopRow, "direction" | "source" | "destination" | "method" | "path">) =>
  JSON.stringify([r.direction, r.source, r.destination, r.method, r.path]);

const SET_CAP = 4;
const addCapped = (s: Set<string>, v: string) => {
  if (v && s.size < SET_CAP) s.add(v);
};

/** Folds one finished stream in. */
export function addStream(agg: TopAggregate, r: TapRow, now: number): void {
  const key = topKey({ direction: r.direction, source: r.sourceName, destination: r.destinationName, method: r.method, path: r.path });
  let s = agg.rows.get(key);
  if (!s) {
    s = {
      key,
      direction: r.direction,
      source: r.sourceName,
      destination: r.destinationName,
      method: r.method,
      path: r.path,
      count: 0,
      successes: 0,
      bestMs: undefined,
      worstMs: undefined,
      lastMs: undefined,
      lastSeen: now,
      hist: createHistogram(),
      window: [],
      proxies: new Set(),
      sourceIps: new Set(),
      authorities: new Set(),
      dirty: true,
      cached: { p50: undefined, p95: undefined, p99: undefined },
    };
    agg.rows.set(key, s);
  }
  agg.streams++;
  s.count++;
  if (isSuccess(r)) s.successes++;
  const ms = r.latencyMs;
  if (ms !== undefined) {
    s.bestMs = s.bestMs === undefined ? ms : Math.min(s.bestMs, ms);
    s.worstMs = s.worstMs === undefined ? ms : Math.max(s.worstMs, ms);
    s.lastMs = ms;
    record(s.hist, ms);
  }
  s.lastSeen = now;
  addCapped(s.proxies, r.proxy);
  addCapped(s.sourceIps, hostOf(r.source));
  addCapped(s.authorities, r.authority);
  const sec = Math.floor(now / 1000);
  const last = s.window[s.window.length - 1];
  if (last && last.sec === sec) last.n++;
  else s.window.push({ sec, n: 1 });
  while (s.window.length > 0 && s.window[0]!.sec <= sec - RPS_WINDOW_S) s.window.shift();
  s.dirty = true;
}

/** Requests per second over the last RPS_WINDOW_S seconds (or since counting started, if later). */
export function rpsOf(s: Pick<TopStats, "window">, now: number, since: number): number {
  const nowSec = Math.floor(now / 1000);
  const windowStart = (nowSec - RPS_WINDOW_S + 1) * 1000;
  let n = 0;
  for (const b of s.window) if (b.sec > nowSec - RPS_WINDOW_S) n += b.n;
  const covered = (now - Math.max(windowStart, since)) / 1000;
  return n / Math.max(1, covered);
}

const only = (s: Set<string>) => (s.size === 1 ? [...s][0] : undefined);

export function snapshot(agg: TopAggregate, now: number): TopRow[] {
  const out: TopRow[] = [];
  for (const s of agg.rows.values()) {
    if (s.dirty) {
      const [p50, p95, p99] = percentiles(s.hist, [0.5, 0.95, 0.99]);
      s.cached = { p50, p95, p99 };
      s.dirty = false;
    }
    out.push({
      key: s.key,
      direction: s.direction,
      source: s.source,
      destination: s.destination,
      method: s.method,
      path: s.path,
      count: s.count,
      successRate: s.count ? s.successes / s.count : undefined,
      rps: rpsOf(s, now, agg.since),
      bestMs: s.bestMs,
      worstMs: s.worstMs,
      lastMs: s.lastMs,
      p50Ms: s.cached.p50,
      p95Ms: s.cached.p95,
      p99Ms: s.cached.p99,
      lastSeen: s.lastSeen,
      proxy: only(s.proxies),
      sourceIp: only(s.sourceIps),
      authority: only(s.authorities),
    });
  }
  return out;
}

export type TopSortKey = "direction" | "source" | "destination" | "method" | "path" | "count" | "success" | "rps" | "best" | "worst" | "last" | "p50" | "p95" | "p99";
export type SortOrder = "asc" | "desc";

export const TOP_SORT_KEYS: readonly TopSortKey[] = ["direction", "source", "destination", "method", "path", "count", "success", "rps", "best", "worst", "last", "p50", "p95", "p99"];

/** Text columns read best A→Z; figures biggest first, except success rate (worst first). */
export const NATURAL_ORDER: Record<TopSortKey, SortOrder> = {
  direction: "asc",
  source: "asc",
  destination: "asc",
  method: "asc",
  path: "asc",
  count: "desc",
  success: "asc",
  rps: "desc",
  best: "desc",
  worst: "desc",
  last: "desc",
  p50: "desc",
  p95: "desc",
  p99: "desc",
};

function value(r: TopRow, k: TopSortKey): string | number | undefined {
  switch (k) {
    case "direction":
    case "source":
    case "destination":
    case "method":
    case "path":
      return r[k];
    case "count":
      return r.count;
    case "success":
      return r.successRate;
    case "rps":
      return r.rps;
    case "best":
      return r.bestMs;
    case "worst":
      return r.worstMs;
    case "last":
      return r.lastMs;
    case "p50":
      return r.p50Ms;
    case "p95":
      return r.p95Ms;
    case "p99":
      return r.p99Ms;
  }
}

/** Sorted copy; rows without a value go last either way, ties fall back to the key so rows do not jump. */
export function sortTopRows(rows: readonly TopRow[], key: TopSortKey, order: SortOrder): TopRow[] {
  const sign = order === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a, key);
    const vb = value(b, key);
    if (va === undefined && vb !== undefined) return 1;
    if (vb === undefined && va !== undefined) return -1;
    let c = 0;
    if (typeof va === "number" && typeof vb === "number") c = va - vb;
    else if (va !== undefined && vb !== undefined) c = String(va).localeCompare(String(vb));
    return c !== 0 ? c * sign : a.key.localeCompare(b.key);
  });
}
