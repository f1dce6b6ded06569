// The mesh's traffic over the last five minutes: requests per second across every service, succeeded
// and failed stacked, so a spike of errors is seen before it is read.
"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatRps } from "../components/traffic-format";
import type { MeshPoint } from "./overview-data";

const AXIS = { stroke: "#8792a6", fontSize: 11 };

export function MeshTrafficChart({ points }: { points: readonly MeshPoint[] }) {
  const newest = points.at(-1)?.t ?? 0;
  const ago = (t: number) => {
    const s = Math.round((newest - t) / 1000);
    return s === 0 ? "now" : s >= 60 ? `-${Math.round(s / 60)}m` : `-${s}s`;
  };
  return (
    <div className="ov-chart" data-testid="ov-mesh-chart" aria-label="Requests per second across the mesh, last five minutes">
      <ResponsiveContainer width="100%" height={150}>
        <AreaChart data={points as MeshPoint[]} margin={{ top: 6, right: 12, bottom: 0, left: -14 }}>
          <CartesianGrid stroke="#1e2533" vertical={false} />
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={ago} tickCount={6} {...AXIS} />
          <YAxis tickFormatter={(v: number) => formatRps(v)} {...AXIS} />
          <Tooltip
            contentStyle={{ background: "#161b24", border: "1px solid #273042", fontSize: 12 }}
            labelFormatter={(t) => new Date(Number(t)).toLocaleTimeString(undefined, { hour12: false })}
            formatter={(v) => `${formatRps(Number(v))} req/s`}
          />
          <Area type="monotone" dataKey="okRps" name="succeeded" stackId="a" stroke="#3fbf7f" fill="#3fbf7f" fillOpacity={0.25} isAnimationActive={false} />
          <Area type="monotone" dataKey="errorRps" name="failed" stackId="a" stroke="#f0616d" fill="#f0616d" fillOpacity={0.4} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
