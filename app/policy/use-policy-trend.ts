// Hook: keeps the mesh-wide denial and throttle totals of each poll (last five minutes) and turns them into
// per-interval points for the chart.
"use client";

import { useEffect, useMemo, useState } from "react";
import { addSample, trendPoints, type TotalsSample } from "./policy-trend";

export function usePolicyTrend(totals: { denied: bigint; throttled: bigint } | undefined, at: number) {
  const [samples, setSamples] = useState<TotalsSample[]>([]);
  useEffect(() => {
    if (!totals || at === 0) return;
    setSamples((s) => addSample(s, { t: at, denied: Number(totals.denied), throttled: Number(totals.throttled) }));
  }, [totals, at]);
  return useMemo(() => trendPoints(samples), [samples]);
}
