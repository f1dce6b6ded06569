// One cluster's endpoints as the proxy sees them: address, locality, weight and priority, Envoy's health
// flags, outlier ejection state, and request counters since the proxy first saw each endpoint.
"use client";

import type { Endpoint } from "../../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { HealthFlags } from "../../components/health-flags";
import { formatPercent } from "../../components/traffic-format";

const clock = (ms: bigint) => new Date(Number(ms)).toLocaleTimeString(undefined, { hour12: false });

function locality(e: Endpoint): string {
  const l = e.locality;
  return [l?.region, l?.zone, l?.subZone].filter(Boolean).join("/") || "—";
}

function EjectionCell({ e }: { e: Endpoint }) {
  const j = e.ejection;
  if (!j) return <>—</>;
  const streak = [j.consecutive5xx && `${j.consecutive5xx}× 5xx`, j.consecutiveGatewayFailures && `${j.consecutiveGatewayFailures}× gateway`, j.consecutiveLocalOriginFailures && `${j.consecutiveLocalOriginFailures}× local`]
    .filter(Boolean)
    .join(", ");
  return (
    <span data-testid="endpoint-ejection" data-ejected={j.ejected ? "true" : "false"}>
      {j.ejected ? <strong className="cl-level-err">ejected until {clock(j.ejectedUntilMs)}</strong> : j.ejections > 0 ? <span className="muted">back in</span> : <span className="muted">—</span>}
      {j.ejections > 0 && <span className="muted"> · {j.ejections === 1 ? "once" : `${j.ejections} times`}</span>}
      {streak && <div className="cl-streak">failing: {streak}</div>}
    </span>
  );
}

export function EndpointTable({ endpoints }: { endpoints: readonly Endpoint[] }) {
  if (endpoints.length === 0) {
    return (
      <div className="empty-state" data-testid="endpoints-empty">
        <h3>No endpoints</h3>
        <p className="muted">The control plane sent this cluster no endpoints; requests to it fail with 503 (no healthy upstream).</p>
      </div>
    );
  }
  return (
    <div className="cl-endpoints">
      <table className="simple cl-endpoint-table" aria-label="Endpoints">
        <thead>
          <tr>
            <th>Address</th>
            <th>Locality</th>
            <th className="num">Weight</th>
            <th className="num">Priority</th>
            <th>Health flags</th>
            <th>Outlier ejection</th>
            <th className="num">Active</th>
            <th className="num">Requests</th>
            <th className="num">Success rate</th>
            <th className="num" title="upstream connections open now / opened in all">Connections</th>
            <th className="num" title="connection failures">Connect fails</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((e) => (
            <tr key={e.address} data-testid="endpoint-row" data-address={e.address} data-healthy={e.healthy ? "true" : "false"} className={e.healthy ? "" : "cl-endpoint-bad"}>
              <td className="mono">{e.address}</td>
              <td className="mono muted">{locality(e)}</td>
              <td className="num">{e.weight}</td>
              <td className="num">{e.priority}</td>
              <td>
                <HealthFlags flags={e.healthFlags} />
                {e.edsHealthStatus !== "HEALTHY" && <span className="muted cl-eds"> EDS {e.edsHealthStatus}</span>}
              </td>
              <td>
                <EjectionCell e={e} />
              </td>
              <td className="num">{e.activeRequests.toString()}</td>
              <td className="num">{e.totalRequests.toLocaleString("en-US")}</td>
              <td className={`num ${e.successRate !== undefined && e.successRate < 0.95 ? "cl-level-err" : ""}`}>{formatPercent(e.successRate)}</td>
              <td className="num" data-testid="endpoint-connections">
                {e.activeConnections.toString()} / {e.totalConnections.toLocaleString("en-US")}
              </td>
              <td className="num">{e.connectFailures.toString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
