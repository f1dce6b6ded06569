// Report adapter writing Istio-style JSON access log lines (one object per line, newline included) to a
// sink. Secret headers (Authorization, Cookie, ...) are never written, even when listed in `headers`.

import { isSecretHeader } from "../tap/redact";
import type { ReportAdapter, ReportRecord } from "./report";

export interface JsonAccessLogOptions {
  /** Receives each line, newline included. */
  write(line: string): void;
  /** Extra request headers to log under "request_headers" (secret ones are dropped). */
  headers?: readonly string[];
  name?: string;
}

const dash = (v: string) => (v === "" ? null : v);

export function accessLogEntry(r: ReportRecord, headers: readonly string[] = []): Record<string, unknown> {
  const a = r.attributes;
  const q = a.request;
  const res = a.response;
  const entry: Record<string, unknown> = {
    start_time: new Date(r.startTime).toISOString(),
    method: q.method,
    path: q.path,
    protocol: r.protocol,
    response_code: res?.code ?? 0,
    response_flags: res?.flags ?? "-",
    bytes_received: q.size,
    bytes_sent: res?.size ?? 0,
    duration: Math.round(res?.duration ?? 0),
    upstream_host: dash(r.upstreamHost),
    upstream_cluster: dash(r.upstreamCluster),
    x_forwarded_for: dash(r.forwardedFor),
    user_agent: dash(q.useragent),
    request_id: dash(q.id),
    authority: q.host,
    reporter: a.context.reporter,
    source_workload: dash(a.source.workload.name),
    source_namespace: dash(a.source.workload.namespace),
    source_address: a.source.ip ? `${a.source.ip}:${a.source.port}` : null,
    destination_workload: dash(a.destination.workload.name),
    destination_namespace: dash(a.destination.workload.namespace),
    destination_service: dash(a.destination.service.host),
    route_name: dash(r.routeName),
    proxy: r.proxy,
  };
  if (r.grpcStatus) entry.grpc_status = r.grpcStatus;
  if (r.deniedBy) entry.denied_by = r.deniedBy;
  if (r.quota) entry.quota = r.quota;
  if (headers.length) {
    const h: Record<string, string> = {};
    for (const n of headers) {
      const v = q.headers[n];
      if (v !== undefined && !isSecretHeader(n)) h[n] = v;
    }
    entry.request_headers = h;
  }
  return entry;
}

export function createJsonAccessLog(opts: JsonAccessLogOptions): ReportAdapter {
  const headers = (opts.headers ?? []).map((h) => h.toLowerCase()).filter((h) => !isSecretHeader(h));
  return {
    name: opts.name ?? "json-access-log",
    report(batch) {
      for (const r of batch) opts.write(`${JSON.stringify(accessLogEntry(r, headers))}\n`);
    },
  };
}
