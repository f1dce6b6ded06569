// The Overview page's live part: headline numbers, the mesh's traffic chart, services with their golden
// signals, proxies out of sync, unhealthy endpoints and recent config pushes.
"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { formatPercent, formatRps } from "../components/traffic-format";
import { clusterClient } from "../lib/rpc";
import { useProxies } from "../lib/use-proxies";
import { MeshTrafficChart } from "./mesh-traffic-chart";
import { meshSeries, meshTotals, syncSummary } from "./overview-data";
import { RecentPushes } from "./recent-pushes";
import { ServiceTable } from "./service-table";
import { SyncPanel } from "./sync-panel";
import { UnhealthyEndpoints } from "./unhealthy-endpoints";

const REFRESH_MS = 5000;
/** Five minutes in 10-second points: enough for a trend, light for hundreds of services. */
const HISTORY_POINTS = 30;

function Stat({ label, value, level, testId }: { label: string; value: string; level?: string; testId: string }) {
  return (
    <div className="cl-tile" data-testid={testId}>
      <span className="cl-tile-label">{label}</span>
      <span className={`cl-tile-value ${level ? `cl-level-${level}` : ""}`}>{value}</span>
    </div>
  );
}

function Panel({ title, children, wide }: { title: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <section className={`ov-panel ${wide ? "ov-wide" : ""}`} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function OverviewView() {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  const services = useQuery({
    queryKey: ["overview", "services"],
    queryFn: ({ signal }) => clusterClient().listServiceStats({ historyPoints: HISTORY_POINTS }, { signal }),
    refetchInterval: REFRESH_MS,
  });
  const unhealthy = useQuery({
    queryKey: ["overview", "unhealthy"],
    queryFn: ({ signal }) => clusterClient().listUnhealthyEndpoints({ limit: 12 }, { signal }),
    refetchInterval: REFRESH_MS,
  });
  const { proxies, error: proxiesError } = useProxies();

  const list = services.data?.services;
  const series = useMemo(() => (list ? meshSeries(list) : []), [list]);
  const totals = useMemo(() => (list ? meshTotals(list) : undefined), [list]);
  const sync = useMemo(() => (proxies ? syncSummary(proxies) : undefined), [proxies]);

  return (
    <div className="ov-view">
      <div className="cl-tiles">
        <Stat label="Requests/s (1 min)" value={totals ? formatRps(totals.rps) : "…"} testId="ov-rps" />
        <Stat label="Success rate" value={totals ? formatPercent(totals.successRate) : "…"} level={totals?.successRate === undefined ? undefined : totals.successRate >= 0.99 ? "ok" : totals.successRate >= 0.95 ? "warn" : "err"} testId="ov-success" />
        <Stat label="Services with traffic" value={totals && list ? `${totals.active} / ${list.length}` : "…"} testId="ov-services-count" />
        <Stat label="Unhealthy endpoints" value={unhealthy.data ? String(unhealthy.data.total) : "…"} level={unhealthy.data ? (unhealthy.data.total ? "err" : "ok") : undefined} testId="ov-unhealthy-count" />
        <Stat label="Proxies in sync" value={sync ? `${sync.synced} / ${sync.total}` : "…"} level={sync ? (sync.synced === sync.total ? "ok" : "err") : undefined} testId="ov-sync-count" />
      </div>
      <div className="ov-grid">
        <Panel title="Services" wide>
          {services.isPending ? (
            <p className="loading">Loading services…</p>
          ) : services.error && !list ? (
            <p className="error-text">Could not load service stats: {services.error.message}</p>
          ) : (
            <>
              {series.length > 1 ? <MeshTrafficChart points={series} /> : <p className="muted ov-small">The mesh traffic chart fills in as samples arrive (every few seconds).</p>}
              <ServiceTable services={list ?? []} />
            </>
          )}
        </Panel>
        <div className="ov-side">
          <Panel title="Proxies out of sync">
            {proxies ? <SyncPanel proxies={proxies} /> : proxiesError ? <p className="error-text">Could not load proxies: {proxiesError.message}</p> : <p className="loading">Loading proxies…</p>}
          </Panel>
          <Panel title="Unhealthy endpoints">
            {unhealthy.data ? <UnhealthyEndpoints data={unhealthy.data} /> : unhealthy.error ? <p className="error-text">{unhealthy.error.message}</p> : <p className="loading">Loading endpoints…</p>}
          </Panel>
          <Panel title="Recent pushes">
            <RecentPushes now={now} />
          </Panel>
        </div>
      </div>
    </div>
  );
}
