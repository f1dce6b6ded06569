// Live charts of one cluster over the last five minutes: request rate (ok and failed, stacked), error
// rate, and latency percentiles (p50, p90, p99), one point per sample of the shared sampler.
"use client";

import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatMs, formatRps } from "../../components/traffic-format";
import type { ChartPoint } from "./stats-points";

const AXIS = { stroke: "#8792a6", fontSize: 11 };
/** Wide enough for "250ms" and "1.2k" without clipping. */
const Y_WIDTH = 48;
const TOOLTIP = { contentStyle: { background: "#161b24", border: "1px solid #273042", fontSize: 12 }, labelFormatter: (t: unknown) => clock(Number(t)) };
const clock = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour12: false });

function timeAxis(points: readonly ChartPoint[], windowMs: number) {
  const newest = points.at(-1)?.t ?? Date.now();
  const ago = (t: number) => {
    const s = Math.round((newest - t) / 1000);
    return s === 0 ? "now" : s % 60 === 0 ? `-${s / 60}m` : `-${s}s`;
  };
  const ticks = [4, 3, 2, 1, 0].map((m) => newest - (m * windowMs) / 5);
  return <XAxis dataKey="t" type="number" scale="time" domain={[newest - windowMs, newest]} ticks={ticks} tickFormatter={ago} {...AXIS} />;
}

function Panel({ title, children, testId }: { title: string; children: React.ReactElement; testId: string }) {
  return (
    <section className="cl-chart" data-testid={testId} aria-label={title}>
      <h4>{title}</h4>
      <ResponsiveContainer width="100%" height={170}>
        {children}
      </ResponsiveContainer>
    </section>
  );
}

export function ClusterCharts({ points, windowMs }: { points: readonly ChartPoint[]; windowMs: number }) {
  const data = points as ChartPoint[];
  const margin = { top: 6, right: 12, bottom: 0, left: 0 };
  return (
    <div className="cl-charts">
      <Panel title="Requests per second" testId="cl-chart-rps">
        <AreaChart data={data} margin={margin}>
          <CartesianGrid stroke="#1e2533" vertical={false} />
          {timeAxis(points, windowMs)}
          <YAxis {...AXIS} width={Y_WIDTH} tickFormatter={(v: number) => formatRps(v)} allowDecimals />
          <Tooltip {...TOOLTIP} formatter={(v) => formatRps(Number(v))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Area type="monotone" dataKey="okRps" name="succeeded" stackId="rps" stroke="#3fbf7f" fill="#3fbf7f" fillOpacity={0.25} isAnimationActive={false} />
          <Area type="monotone" dataKey="errorRps" name="failed" stackId="rps" stroke="#f0616d" fill="#f0616d" fillOpacity={0.35} isAnimationActive={false} />
        </AreaChart>
      </Panel>
      <Panel title="Error rate" testId="cl-chart-errors">
        <LineChart data={data} margin={margin}>
          <CartesianGrid stroke="#1e2533" vertical={false} />
          {timeAxis(points, windowMs)}
          <YAxis {...AXIS} width={Y_WIDTH} unit="%" domain={[0, (max: number) => Math.max(5, Math.ceil(max))]} />
          <Tooltip {...TOOLTIP} formatter={(v) => `${Number(v).toFixed(1)}%`} />
          <Line type="monotone" dataKey="errorPct" name="failed requests" stroke="#f0616d" dot={false} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      </Panel>
      <Panel title="Latency" testId="cl-chart-latency">
        <LineChart data={data} margin={margin}>
          <CartesianGrid stroke="#1e2533" vertical={false} />
          {timeAxis(points, windowMs)}
          <YAxis {...AXIS} width={Y_WIDTH} tickFormatter={(v: number) => formatMs(v)} />
          <Tooltip {...TOOLTIP} formatter={(v) => formatMs(Number(v))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line type="monotone" dataKey="p50" name="p50" stroke="#5aa9ff" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="p90" name="p90" stroke="#e6b450" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="p99" name="p99" stroke="#f0616d" dot={false} isAnimationActive={false} />
        </LineChart>
      </Panel>
    </div>
  );
}
