// The proxy-status table: one row per proxy (name and node id, role, config version, connected since)
// and one cell per xDS type in istioctl's order (CDS, LDS, EDS, RDS). A row links to the proxy's detail.
"use client";

import Link from "next/link";
import type { Proxy } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { formatAgo, formatClock, overallState, proxyHref, roleLabel, shortName, typeCell, XDS_TYPES } from "./proxy-status";
import { SyncCell } from "./sync-cell";

export function ProxyTable({ proxies, now }: { proxies: readonly Proxy[]; now: number }) {
  return (
    <div className="px-table-wrap">
      <table className="px-table" aria-label="Proxy sync status">
        <thead>
          <tr>
            <th>Proxy</th>
            <th>Role</th>
            <th>Config version</th>
            <th>Connected</th>
            {XDS_TYPES.map((t) => (
              <th key={t} title={`${t}: state, last push time · convergence (config write → ACK)`}>
                {t}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {proxies.map((p) => {
            const connected = Number(p.connectedAtMs);
            return (
              <tr key={p.id} data-testid="proxy-row" data-proxy-id={p.id} data-state={overallState(p)}>
                <td className="px-name">
                  <Link href={proxyHref(p.id)} data-testid="proxy-link">
                    {shortName(p.id)}
                  </Link>
                  <div className="px-id mono">{p.id}</div>
                </td>
                <td>
                  <span className="badge">{roleLabel(p.role)}</span>
                  {!p.inProcess && <div className="px-ext muted">external</div>}
                </td>
                <td className="mono px-version">{p.configVersion || "—"}</td>
                <td title={connected ? new Date(connected).toISOString() : "no xDS stream"}>
                  {connected ? (
                    <>
                      {formatAgo(connected, now)}
                      <div className="muted px-small">since {formatClock(connected)}</div>
                    </>
                  ) : (
                    <span className="muted">not connected</span>
                  )}
                </td>
                {XDS_TYPES.map((t) => (
                  <SyncCell key={t} cell={typeCell(p, t)} />
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
