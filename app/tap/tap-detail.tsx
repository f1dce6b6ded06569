// Detail panel for the selected stream: routing decision, timings and (redacted) headers.
"use client";

import { formatBytes, formatLatency } from "./tap-table";
import type { TapRow } from "./tap-rows";

function Headers({ title, headers }: { title: string; headers: { name: string; value: string }[] }) {
  return (
    <div className="detail-block">
      <h4>{title}</h4>
      {headers.length === 0 ? (
        <p className="muted">none captured</p>
      ) : (
        <dl className="headers">
          {headers.map((h, i) => (
            <div key={i}>
              <dt>{h.name}</dt>
              <dd>{h.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function TapDetail({ row, onClose }: { row: TapRow; onClose(): void }) {
  return (
    <section className="tap-detail" aria-label="Request detail">
      <header>
        <strong>
          {row.method} {row.authority}
          {row.path}
        </strong>
        <button className="btn ghost" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="detail-grid">
        <div className="detail-block">
          <h4>Routing</h4>
          <dl className="kv">
            <dt>Proxy</dt>
            <dd>
              {row.proxy} ({row.direction || "?"})
            </dd>
            <dt>Route</dt>
            <dd>{row.route || "— (no route)"}</dd>
            <dt>Cluster</dt>
            <dd>{row.cluster || "—"}</dd>
            <dt>Endpoint</dt>
            <dd>{row.endpoint || "—"}</dd>
            <dt>Source → destination</dt>
            <dd>
              {row.source} → {row.destination}
            </dd>
          </dl>
        </div>
        <div className="detail-block">
          <h4>Outcome</h4>
          <dl className="kv">
            <dt>Status</dt>
            <dd>{row.status ?? "pending"}</dd>
            <dt>gRPC status</dt>
            <dd>{row.grpcStatus ?? "—"}</dd>
            <dt>Latency</dt>
            <dd>{formatLatency(row.latencyMs)}</dd>
            <dt>Response bytes</dt>
            <dd>{formatBytes(row.bytes)}</dd>
            <dt>Flags</dt>
            <dd>{row.flags || "—"}</dd>
          </dl>
        </div>
        <Headers title="Request headers" headers={row.requestHeaders} />
        <Headers title="Response headers" headers={row.responseHeaders} />
      </div>
    </section>
  );
}
