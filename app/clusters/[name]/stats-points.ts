// Folds WatchClusterStats messages into chart points: the first message (history) replaces what the chart
// holds, later ones append; points older than the window fall off, so the charts always show five minutes.

import type { StatsPoint } from "../../../proto/gen/meshdash/cluster/v1/cluster_pb";

export interface ChartPoint {
  /** End of the sample, ms since the epoch. */
  t: number;
  requests: number;
  rps: number;
  /** Requests per second that succeeded and that failed (stacked in the rate chart). */
  okRps: number;
  errorRps: number;
  /** Percentages and milliseconds; null where a sample had no requests (a gap, not a zero). */
  errorPct: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

const orNull = (n: number | undefined) => (n === undefined ? null : n);

export function toChartPoint(p: StatsPoint): ChartPoint {
  const t = p.traffic;
  const rps = t?.rps ?? 0;
  const err = t?.errorRate;
  return {
    t: Number(p.timeMs),
    requests: Number(t?.requests ?? 0n),
    rps,
    okRps: rps * (1 - (err ?? 0)),
    errorRps: rps * (err ?? 0),
    errorPct: err === undefined ? null : err * 100,
    p50: orNull(t?.p50Ms),
    p90: orNull(t?.p90Ms),
    p99: orNull(t?.p99Ms),
  };
}

export function applyStatsMessage(current: readonly ChartPoint[], msg: { history: boolean; points: readonly StatsPoint[]; windowMs: number }): ChartPoint[] {
  const incoming = msg.points.map(toChartPoint);
  let next: ChartPoint[];
  if (msg.history) next = incoming;
  else {
    const last = current.at(-1)?.t ?? -Infinity;
    next = [...current, ...incoming.filter((p) => p.t > last)];
  }
  const newest = next.at(-1)?.t;
  if (newest === undefined || msg.windowMs <= 0) return next;
  const oldest = newest - msg.windowMs;
  const firstKept = next.findIndex((p) => p.t > oldest);
  return firstKept <= 0 ? next : next.slice(firstKept);
}
