// Live chart above the tap table: tapped requests per second over the last minute, stacked by outcome.
"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { bucketRates, type RateBucket } from "./tap-rate";
import type { TapRow } from "./tap-rows";

const WINDOW_S = 60;

export function TapRateChart({ rows }: { rows: readonly TapRow[] }) {
  // The bars are per second, so the chart re-buckets once a second (also when no rows arrive, so it keeps
  // moving) and re-renders only then: the table re-renders four times a second under a firehose, and
  // recharts (which measures its text in the DOM) would otherwise make each of those a long task.
  const latest = useRef(rows);
  latest.current = rows;
  const [data, setData] = useState<RateBucket[]>(() => bucketRates(rows, Date.now(), WINDOW_S));
  useEffect(() => {
    const t = setInterval(() => setData(bucketRates(latest.current, Date.now(), WINDOW_S)), 1000);
    return () => clearInterval(t);
  }, []);
  return useMemo(
    () => (
      <div className="rate-chart" aria-label="Tapped requests per second, last minute">
        <ResponsiveContainer width="100%" height={96}>
          <BarChart data={data} barCategoryGap={1} margin={{ top: 4, right: 8, bottom: 0, left: -24 }}>
            <XAxis dataKey="ago" reversed={false} tickFormatter={(s: number) => (s === 0 ? "now" : `-${s}s`)} interval={14} stroke="#8792a6" fontSize={11} />
            <YAxis allowDecimals={false} stroke="#8792a6" fontSize={11} />
            <Tooltip
              cursor={{ fill: "#1f3350" }}
              contentStyle={{ background: "#161b24", border: "1px solid #273042", fontSize: 12 }}
              labelFormatter={(s) => (s === 0 ? "this second" : `${String(s)}s ago`)}
            />
            <Bar dataKey="ok" name="2xx/3xx" stackId="a" fill="#3fbf7f" isAnimationActive={false} />
            <Bar dataKey="clientError" name="4xx" stackId="a" fill="#e6b450" isAnimationActive={false} />
            <Bar dataKey="serverError" name="5xx / reset" stackId="a" fill="#f0616d" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    ),
    [data],
  );
}
