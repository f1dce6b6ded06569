// One proxy, live: who it is, its per-type xDS sync (versions, last push and ACK, convergence, NACK
// text) and, for proxies running in this process, its config dump. External xDS clients have none.
"use client";

import Link from "next/link";
import { useProxies } from "../../lib/use-proxies";
import { formatAgo, formatClock, formatConvergence, overallState, roleLabel, shortName, typeCell, XDS_TYPES } from "../proxy-status";
import { stateClass } from "../sync-cell";
import { useNow } from "../use-now";
import { WatchBanner } from "../watch-banner";
import { ConfigDumpPanel } from "./config-dump-panel";
import type { Proxy } from "../../../proto/gen/meshdash/mesh/v1/mesh_pb";

function SyncTable({ proxy }: { proxy: Proxy }) {
  return (
    <table className="simple px-sync-table" aria-label="xDS sync by type">
      <thead>
        <tr>
          <th>Type</th>
          <th>State</th>
          <th>Sent version</th>
          <th>ACKed version</th>
          <th>Resources</th>
          <th>Last push</th>
          <th>Last ACK</th>
          <th>Convergence</th>
          <th>NACK</th>
        </tr>
      </thead>
      <tbody>
        {XDS_TYPES.map((t) => {
          const c = typeCell(proxy, t);
          const s = c.sync;
          return (
            <tr key={t} data-testid={`detail-sync-${t}`} data-state={c.state}>
              <td>{t}</td>
              <td>
                <span className={stateClass(c.state)}>{c.state}</span>
              </td>
              <td className="mono">{s?.sentVersion || "—"}</td>
              <td className="mono">{s?.ackedVersion || "—"}</td>
              <td>{s ? s.resourceCount : "—"}</td>
              <td className="mono">{s ? formatClock(Number(s.lastSentMs), true) : "—"}</td>
              <td className="mono">{s ? formatClock(Number(s.lastAckMs), true) : "—"}</td>
              <td>{s ? formatConvergence(s.convergenceMs) : "—"}</td>
              <td className="px-nack-cell">{s?.error ? <span className="px-nack">{s.error}</span> : "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function ProxyDetail({ id }: { id: string }) {
  const { proxies, isPending, error, watch, updatedAt, reconnect } = useProxies();
  const now = useNow(1000);
  const proxy = proxies?.find((p) => p.id === id);
  const connected = Number(proxy?.connectedAtMs ?? 0);

  return (
    <div className="px-detail">
      <nav className="px-back">
        <Link href="/proxies">← All proxies</Link>
      </nav>
      <header className="page-header">
        <h1>{shortName(id)}</h1>
        <p className="mono muted px-detail-id" data-testid="proxy-id">
          {id}
        </p>
      </header>
      <WatchBanner watch={watch} updatedAt={updatedAt} now={now} onReconnect={reconnect} />
      {isPending ? (
        <div className="loading">Loading the proxy…</div>
      ) : !proxies ? (
        <div className="empty-state">
          <h3>Could not load proxies</h3>
          <p className="error-text">{error?.message ?? "no answer from the server"}</p>
        </div>
      ) : !proxy ? (
        <div className="empty-state" data-testid="proxy-unknown">
          <h3>The control plane does not know this proxy</h3>
          <p className="muted">
            No proxy with this node id runs in this process or is connected over xDS right now. It may have disconnected. <Link href="/proxies">See every proxy</Link>.
          </p>
        </div>
      ) : (
        <>
          <section className="card px-facts">
            <dl className="kv">
              <dt>State</dt>
              <dd>
                <span className={stateClass(overallState(proxy))} data-testid="proxy-state">
                  {overallState(proxy)}
                </span>
              </dd>
              <dt>Role</dt>
              <dd>
                {roleLabel(proxy.role)} · {proxy.inProcess ? "runs in this process" : "external xDS client"}
              </dd>
              <dt>Config version</dt>
              <dd>{proxy.configVersion || "—"}</dd>
              <dt>Connected</dt>
              <dd>{connected ? `${formatAgo(connected, now)} (since ${new Date(connected).toLocaleString()})` : "no xDS stream"}</dd>
              {proxy.adminAddress && (
                <>
                  <dt>Admin</dt>
                  <dd>
                    <a href={`http://${proxy.adminAddress}/config_dump`}>{proxy.adminAddress}</a>
                  </dd>
                </>
              )}
              {proxy.inProcess && (
                <>
                  <dt>Listeners</dt>
                  <dd>{proxy.listeners.map((l) => `${l.name} @ ${l.address}`).join(", ") || "—"}</dd>
                  <dt>Clusters</dt>
                  <dd>{proxy.clusters.length}</dd>
                </>
              )}
            </dl>
          </section>
          <SyncTable proxy={proxy} />
          {proxy.inProcess ? (
            <ConfigDumpPanel proxyId={proxy.id} configVersion={proxy.configVersion} />
          ) : (
            <div className="empty-state" data-testid="dump-external">
              <h3>No config dump for an external proxy</h3>
              <p className="muted">
                This {roleLabel(proxy.role)} client gets its config over xDS but runs in its own process, so meshdash cannot read what it holds. Its sync status above is what the control plane sent and
                what it ACKed; for an Envoy, read its own admin <code>/config_dump</code>.
              </p>
            </div>
          )}
        </>
      )}
    </div>
  );
}
