// Proxies list: each proxy with its bound listeners, admin address and clusters with their endpoints.
"use client";

import { ProxyRole } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { useProxies } from "../lib/use-proxies";

export function ProxiesView() {
  const { data, error, isPending } = useProxies();
  if (isPending) return <div className="loading">Loading proxies…</div>;
  if (error) return <div className="empty-state"><h3>Could not load proxies</h3><p className="error-text">{error.message}</p></div>;
  if (data.length === 0) return <div className="empty-state"><h3>No proxies running</h3></div>;
  return (
    <div className="cards">
      {data.map((p) => (
        <section key={p.id} className="card" data-testid="proxy-card">
          <header>
            <h3>{p.id}</h3>
            <span className="badge">{p.role === ProxyRole.GATEWAY ? "gateway" : "sidecar"}</span>
            <span className="muted">config {p.configVersion}</span>
          </header>
          <dl className="kv">
            <dt>Listeners</dt>
            <dd>{p.listeners.map((l) => `${l.name} @ ${l.address}`).join(", ") || "—"}</dd>
            <dt>Admin</dt>
            <dd>{p.adminAddress ? <a href={`http://${p.adminAddress}/`}>{p.adminAddress}</a> : "—"}</dd>
          </dl>
          <table className="simple">
            <thead>
              <tr>
                <th>Cluster</th>
                <th>Endpoints</th>
              </tr>
            </thead>
            <tbody>
              {p.clusters.map((c) => (
                <tr key={c.name}>
                  <td className="mono">{c.name}</td>
                  <td className="mono">{c.endpoints.join(", ") || "none"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
