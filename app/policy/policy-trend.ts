// Denials and throttles per polling interval, computed in the browser from the mesh-wide totals each poll
// returns (a counter that goes down, e.g. after a rule is removed, starts over rather than going negative).

export interface TotalsSample {
  t: number;
  denied: number;
  throttled: number;
}

export interface TrendPoint {
  t: number;
  denied: number;
  throttled: number;
}

export const TREND_WINDOW_MS = 5 * 60_000;

/** Appends a sample and drops those older than the window (keeping one before it as the baseline). */
export function addSample(samples: readonly TotalsSample[], s: TotalsSample, windowMs = TREND_WINDOW_MS): TotalsSample[] {
  const last = samples.at(-1);
  if (last && s.t <= last.t) return [...samples];
  const next = [...samples, s];
  const firstKept = next.findIndex((x) => x.t >= s.t - windowMs);
  return next.slice(Math.max(0, firstKept - 1));
}

/** One point per interval between samples: what happened in it. */
export function trendPoints(samples: readonly TotalsSample[]): TrendPoint[] {
  const out: TrendPoint[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    out.push({ t: b.t, denied: b.denied >= a.denied ? b.denied - a.denied : b.denied, throttled: b.throttled >= a.throttled ? b.throttled - a.throttled : b.throttled });
  }
  return out;
}
