// One cluster of one proxy, live: its settings, endpoint health (refreshed every two seconds), live
// charts from the stats stream, and a switch to the same cluster on another proxy.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import type { Cluster } from "../../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { clusterClient } from "../../lib/rpc";
import { errorLevel, formatMs, formatPercent, formatRps, formatThreshold, shortProxy } from "../../components/traffic-format";
import { ClusterCharts } from "./cluster-charts";
import { EndpointTable } from "./endpoint-table";
import { useClusterStats, type StatsStreamState } from "./use-cluster-stats";

const REFRESH_MS = 2000;

function Tile({ label, value, level, title, testId, small }: { label: string; value: string; level?: string; title?: string; testId?: string; small?: boolean }) {
  return (
    <div className="cl-tile" title={title} data-testid={testId}>
      <span className="cl-tile-label">{label}</span>
      <span className={`cl-tile-value ${level ? `cl-level-${level}` : ""} ${small ? "cl-tile-small" : ""}`}>{value}</span>
    </div>
  );
}

function Summary({ c }: { c: Cluster }) {
  const cb = c.circuitBreakers;
  const t = c.traffic;
  const health = c.totalEndpoints === 0 ? "none" : c.healthyEndpoints === c.totalEndpoints ? "ok" : c.healthyEndpoints === 0 ? "err" : "warn";
  return (
    <div className="cl-tiles">
      <Tile label="Healthy endpoints" value={`${c.healthyEndpoints} / ${c.totalEndpoints}`} level={health} testId="cl-healthy" />
      <Tile label="Requests/s (1 min)" value={formatRps(t?.rps ?? 0)} />
      <Tile label="Errors (1 min)" value={formatPercent(t?.errorRate)} level={errorLevel(t?.errorRate)} />
      <Tile label="p99 (1 min)" value={formatMs(t?.p99Ms)} />
      <Tile label="Active requests" value={String(c.activeRequests)} />
      <Tile
        label="Circuit breakers"
        value={cb ? `${formatThreshold(cb.maxConnections)} · ${formatThreshold(cb.maxPendingRequests)} · ${formatThreshold(cb.maxRequests)} · ${cb.retryBudgetPercent !== undefined ? `${cb.retryBudgetPercent}% budget` : formatThreshold(cb.maxRetries)}` : "—"}
        title="max connections · pending requests · requests · retries (∞: off)"
        small
      />
    </div>
  );
}

function StreamNote({ state, count, intervalMs }: { state: StatsStreamState; count: number; intervalMs: number }) {
  if (state.kind === "connecting") return <span className="muted">connecting…</span>;
  if (state.kind === "live") return <span className="muted"><span className="dot live cl-inline-dot" /> live · a point every {intervalMs / 1000} s · {count} points</span>;
  if (state.kind === "retrying") return <span className="cl-level-warn">stats stream lost ({state.message}); reconnecting…</span>;
  return <span className="error-text">stats unavailable: {state.message}</span>;
}

export function ClusterDetailView({ name }: { name: string }) {
  const params = useSearchParams();
  const pathname = usePathname();
  const proxy = params.get("proxy") ?? "";
  const cluster = useQuery({
    queryKey: ["clusters", "get", proxy, name],
    queryFn: ({ signal }) => clusterClient().getCluster({ proxy, name }, { signal }),
    refetchInterval: REFRESH_MS,
    retry: (n, err) => ConnectError.from(err).code !== Code.NotFound && n < 1,
  });
  const stats = useClusterStats(proxy, name);
  const data = cluster.data;
  const notFound = cluster.error && ConnectError.from(cluster.error).code === Code.NotFound;

  return (
    <div className="cl-detail">
      <div className="cl-detail-bar">
        {data?.cluster && (
          <div className="cl-badges">
            <span className="badge">{data.cluster.type}</span>
            <span className="badge">{data.cluster.lbPolicy}</span>
            <span className="badge">{data.cluster.protocol}</span>
            {data.cluster.outlierDetection && <span className="badge" title="outlier detection (passive health checking) is on">outlier detection</span>}
            {data.cluster.healthChecks && <span className="badge">active health checks</span>}
          </div>
        )}
        {data && data.proxies.length > 0 && (
          <label className="field cl-proxy-pick">
            <span>Proxy ({data.proxies.length} have this cluster)</span>
            <select
              name="proxy"
              data-testid="cl-detail-proxy"
              value={data.cluster?.proxy ?? proxy}
              onChange={(e) => window.history.replaceState(null, "", `${pathname}?proxy=${encodeURIComponent(e.target.value)}`)}
            >
              {data.proxies.map((p) => (
                <option key={p} value={p}>
                  {shortProxy(p)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {cluster.isPending ? (
        <div className="loading">Loading cluster…</div>
      ) : notFound ? (
        <div className="empty-state" data-testid="cl-not-found">
          <h3>No such cluster</h3>
          <p className="muted">{ConnectError.from(cluster.error).rawMessage}. It may not have been pushed yet, or it was removed.</p>
          <p>
            <Link href="/clusters">All clusters</Link>
          </p>
        </div>
      ) : cluster.error && !data ? (
        <div className="empty-state">
          <h3>Could not load the cluster</h3>
          <p className="error-text">{cluster.error.message}</p>
          <button className="btn" onClick={() => void cluster.refetch()}>
            Try again
          </button>
        </div>
      ) : data?.cluster ? (
        <>
          {cluster.error && <div className="cl-stale error-text">Refresh failed: {cluster.error.message}. Showing the last state.</div>}
          <Summary c={data.cluster} />
          <section className="cl-section">
            <header className="cl-section-head">
              <h2>Traffic, last {Math.round(stats.windowMs / 60_000)} minutes</h2>
              <StreamNote state={stats.state} count={stats.points.length} intervalMs={stats.intervalMs} />
            </header>
            {stats.points.length === 0 ? (
              <div className="empty-state cl-chart-empty">
                <p className="muted">{stats.state.kind === "live" ? `Collecting: the first point arrives within ${stats.intervalMs / 1000} s.` : "Waiting for the stats stream…"}</p>
              </div>
            ) : (
              <ClusterCharts points={stats.points} windowMs={stats.windowMs} />
            )}
          </section>
          <section className="cl-section">
            <header className="cl-section-head">
              <h2>Endpoints</h2>
              <span className="muted">as {shortProxy(data.cluster.proxy)} sees them · refreshed every {REFRESH_MS / 1000} s</span>
            </header>
            <EndpointTable endpoints={data.endpoints} />
          </section>
        </>
      ) : null}
    </div>
  );
}
