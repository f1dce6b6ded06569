// The expanded stream: why it went where it did (listener, virtual host, route with a link into the route
// tree, cluster, endpoint, retries, response flags, config version), outcome and timings, the (redacted)
// request and response headers and trailers, and captured bodies as text or hex.
"use client";

import Link from "next/link";
import { useState } from "react";
import { bodyText, hexDump, isText } from "./tap-body";
import { proxyName } from "./tap-names";
import type { CapturedBody, TapHeader, TapRow } from "./tap-rows";
import { formatBytes, formatLatency, GRPC_CODES, statusClass } from "./tap-table";

/** Envoy's response flags, as its access log documents them. */
export const RESPONSE_FLAGS: Record<string, string> = {
  NR: "no route configured",
  NC: "no cluster found",
  UH: "no healthy upstream host",
  UF: "upstream connection failure",
  UO: "upstream overflow (circuit breaker)",
  UT: "upstream request timeout",
  URX: "retry limit or max connect attempts reached",
  UC: "upstream connection terminated",
  UR: "upstream remote reset",
  LR: "connection local reset",
  DC: "downstream connection terminated",
  DI: "request delayed by fault injection",
  FI: "request aborted by fault injection",
  RL: "rate limited locally",
  LH: "local health check failed",
  SI: "stream idle timeout",
  DT: "max duration reached",
  DPE: "downstream protocol error",
  UPE: "upstream protocol error",
  UMSDR: "upstream max stream duration reached",
  IH: "invalid header value",
  OM: "overload manager",
};

export function splitFlags(flags: string): string[] {
  return flags.split(/[,\s]+/).filter(Boolean);
}

/** The route in the Routes page's tree: its proxy and the route (or virtual host) as the search. */
export function routeTreeHref(r: Pick<TapRow, "proxy" | "route" | "virtualHost">): string | undefined {
  const q = r.route || r.virtualHost;
  if (!r.proxy || !q) return undefined;
  return `/routes?${new URLSearchParams({ proxy: r.proxy, q }).toString()}`;
}

function HeaderList({ title, headers, testId }: { title: string; headers: TapHeader[]; testId: string }) {
  return (
    <div className="detail-block" data-testid={testId}>
      <h4>
        {title} <span className="muted">({headers.length})</span>
      </h4>
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

function BodyView({ title, body, bytes, mode }: { title: string; body: CapturedBody | undefined; bytes: number | undefined; mode: "text" | "hex" }) {
  if (!body) {
    return (
      <div className="detail-block tap2-body-block">
        <h4>{title}</h4>
        <p className="muted">{bytes === 0 ? "empty" : "not captured (turn on body capture under More filters)"}</p>
      </div>
    );
  }
  if (body.data.length === 0 && body.totalBytes === 0) {
    return (
      <div className="detail-block tap2-body-block" data-testid="tap-body">
        <h4>{title}</h4>
        <p className="muted">empty</p>
      </div>
    );
  }
  const textual = isText(body.data, body.contentType);
  const showHex = mode === "hex" || !textual;
  return (
    <div className="detail-block tap2-body-block" data-testid="tap-body">
      <h4>
        {title} <span className="muted">{body.contentType || "unknown type"}</span>
        {body.truncated && body.data.length > 0 && (
          <span className="tap2-mark tap2-mark-warn" title="the body was longer than the capture limit">
            truncated: {formatBytes(body.data.length)} of {formatBytes(body.totalBytes)}
          </span>
        )}
        {body.redacted && (
          <span className="tap2-mark" title="the proxy replaced secrets in the captured bytes with [REDACTED]">
            redacted
          </span>
        )}
        {!textual && mode === "text" && <span className="tap2-mark">binary: shown as hex</span>}
      </h4>
      {body.data.length === 0 ? (
        <p className="muted" data-testid="tap-body-withheld">
          {body.redacted ? `withheld: ${formatBytes(body.totalBytes)} compressed (Content-Encoding), where secrets cannot be found to redact` : "empty"}
        </p>
      ) : (
        <pre className="tap2-pre">{showHex ? hexDump(body.data) : bodyText(body.data)}</pre>
      )}
    </div>
  );
}

export function TapDetail({ row, onClose }: { row: TapRow; onClose(): void }) {
  const [mode, setMode] = useState<"text" | "hex">("text");
  const href = routeTreeHref(row);
  const flags = splitFlags(row.flags);
  return (
    <section className="tap-detail tap2-detail" aria-label="Request detail" data-testid="tap-detail">
      <header>
        <strong className="ellipsis">
          {row.method} {row.scheme ? `${row.scheme}://` : ""}
          {row.authority}
          {row.path}
        </strong>
        <button className="btn ghost" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="detail-grid">
        <div className="detail-block" data-testid="tap-route-explain">
          <h4>Why it went there</h4>
          <dl className="kv">
            <dt>Proxy</dt>
            <dd title={row.proxy}>
              {proxyName(row.proxy)} ({row.direction || "direction unknown"})
            </dd>
            <dt>Listener</dt>
            <dd>{row.listener || "—"}</dd>
            <dt>Virtual host</dt>
            <dd>{row.virtualHost || "— (none matched)"}</dd>
            <dt>Route</dt>
            <dd>
              {row.route || (row.cluster ? "(unnamed)" : "— (no route)")}
              {href && (
                <>
                  {" "}
                  <Link href={href} prefetch={false} data-testid="tap-route-link">
                    show in route tree
                  </Link>
                </>
              )}
            </dd>
            <dt>Cluster</dt>
            <dd>{row.cluster || "—"}</dd>
            <dt>Endpoint</dt>
            <dd>{row.endpoint || "—"}</dd>
            <dt>Retries</dt>
            <dd>{row.state === "done" || row.state === "reset" ? row.retryAttempts : "…"}</dd>
            <dt>Response flags</dt>
            <dd>
              {flags.length === 0
                ? "none"
                : flags.map((f) => (
                    <span key={f} className="tap2-flag" title={RESPONSE_FLAGS[f] ?? "see Envoy's access log docs"}>
                      {f} <span className="muted">{RESPONSE_FLAGS[f] ?? ""}</span>
                    </span>
                  ))}
            </dd>
            <dt>Config version</dt>
            <dd>{row.configVersion || "—"}</dd>
          </dl>
        </div>
        <div className="detail-block">
          <h4>Outcome and timings</h4>
          <dl className="kv">
            <dt>HTTP status</dt>
            <dd className={statusClass(row)}>{row.status ?? (row.state === "reset" ? "reset before headers" : "pending")}</dd>
            <dt>gRPC status</dt>
            <dd>{row.grpcStatus === undefined ? "—" : `${row.grpcStatus} ${GRPC_CODES[row.grpcStatus] ?? ""}`}</dd>
            {row.resetCode !== undefined && (
              <>
                <dt>Reset</dt>
                <dd>HTTP/2 error code {row.resetCode}</dd>
              </>
            )}
            <dt>Seen at</dt>
            <dd>{new Date(row.seenAt).toISOString()}</dd>
            <dt>To response headers</dt>
            <dd>{formatLatency(row.headersMs)}</dd>
            <dt>Response body</dt>
            <dd>{formatLatency(row.responseMs)}</dd>
            <dt>Total</dt>
            <dd>{formatLatency(row.latencyMs)}</dd>
            <dt>Request bytes</dt>
            <dd>{formatBytes(row.requestBytes)}</dd>
            <dt>Response bytes</dt>
            <dd>{formatBytes(row.bytes)}</dd>
            <dt>Source → destination</dt>
            <dd>
              {row.sourceName} ({row.source}) → {row.destinationName} ({row.destination})
            </dd>
          </dl>
        </div>
        <HeaderList title="Request headers" headers={row.requestHeaders} testId="tap-request-headers" />
        <HeaderList title="Response headers" headers={row.responseHeaders} testId="tap-response-headers" />
        {row.trailers.length > 0 && <HeaderList title="Trailers" headers={row.trailers} testId="tap-trailers" />}
      </div>
      <div className="tap2-bodies">
        <div className="tap2-bodies-bar">
          <h4>Bodies</h4>
          <div className="cfg-segmented" role="group" aria-label="Body view">
            <button type="button" className={mode === "text" ? "active" : ""} aria-pressed={mode === "text"} onClick={() => setMode("text")}>
              Text
            </button>
            <button type="button" className={mode === "hex" ? "active" : ""} aria-pressed={mode === "hex"} onClick={() => setMode("hex")}>
              Hex
            </button>
          </div>
        </div>
        <div className="detail-grid">
          <BodyView title="Request" body={row.requestBody} bytes={row.requestBytes} mode={mode} />
          <BodyView title="Response" body={row.responseBody} bytes={row.bytes} mode={mode} />
        </div>
      </div>
    </section>
  );
}
