// Denials and throttles per polling interval over the last few minutes, stacked, from the totals the page
// polls (so it starts when the page opens).
"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TrendPoint } from "./policy-trend";

const AXIS = { stroke: "#8792a6", fontSize: 11 };

export function PolicyChart({ points }: { points: readonly TrendPoint[] }) {
  const newest = points.at(-1)?.t ?? 0;
  const ago = (t: number) => {
    const s = Math.round((newest - t) / 1000);
    return s === 0 ? "now" : s >= 60 ? `-${Math.round(s / 60)}m` : `-${s}s`;
  };
  if (points.length < 2) return <div className="pol-chart pol-chart-empty muted">Collecting denials and throttles…</div>;
  return (
    <div className="pol-chart" data-testid="policy-chart" aria-label="Denied and throttled requests per interval, last five minutes">
      <ResponsiveContainer width="100%" height={120}>
        <BarChart data={points as TrendPoint[]} margin={{ top: 6, right: 12, bottom: 0, left: -20 }}>
          <CartesianGrid stroke="#1e2533" vertical={false} />
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={ago} tickCount={6} {...AXIS} />
          <YAxis allowDecimals={false} {...AXIS} />
          <Tooltip contentStyle={{ background: "#161b24", border: "1px solid #273042", fontSize: 12 }} labelFormatter={(t) => new Date(Number(t)).toLocaleTimeString(undefined, { hour12: false })} />
          <Bar dataKey="denied" name="denied (403)" stackId="a" fill="#f0616d" isAnimationActive={false} />
          <Bar dataKey="throttled" name="throttled (429)" stackId="a" fill="#e0a84a" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
