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

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** A JSON string literal; most values need no escaping, and JSON.stringify is the slow path. */
function str(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

// Records in one batch mostly share their millisecond; formatting a Date is the costliest field.
let isoMs = NaN;
let isoText = "";
function iso(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

const opt = (v: string) => (v === "" ? "null" : str(v));

/** One line, built directly (a generic JSON.stringify of the same object costs several times more). */
export function accessLogLine(r: ReportRecord, headers: readonly string[] = []): string {
  const a = r.attributes;
  const q = a.request;
  const res = a.response;
  const s = a.source;
  const d = a.destination;
  let line =
    `{"start_time":"${iso(r.startTime)}","method":${str(q.method)},"path":${str(q.path)},"protocol":${str(r.protocol)},` +
    `"response_code":${res?.code ?? 0},"response_flags":${str(res?.flags ?? "-")},"bytes_received":${q.size},"bytes_sent":${res?.size ?? 0},` +
    `"duration":${Math.round(res?.duration ?? 0)},"upstream_host":${opt(r.upstreamHost)},"upstream_cluster":${opt(r.upstreamCluster)},` +
    `"x_forwarded_for":${opt(r.forwardedFor)},"user_agent":${opt(q.useragent)},"request_id":${opt(q.id)},"authority":${str(q.host)},` +
    `"reporter":"${a.context.reporter}","source_workload":${opt(s.workload.name)},"source_namespace":${opt(s.workload.namespace)},` +
    `"source_address":${s.ip ? str(`${s.ip}:${s.port}`) : "null"},"destination_workload":${opt(d.workload.name)},` +
    `"destination_namespace":${opt(d.workload.namespace)},"destination_service":${opt(d.service.host)},"route_name":${opt(r.routeName)},` +
    `"proxy":${str(r.proxy)}`;
  if (r.grpcStatus) line += `,"grpc_status":${str(r.grpcStatus)}`;
  if (r.deniedBy) line += `,"denied_by":${str(r.deniedBy)}`;
  if (r.quota) line += `,"quota":${str(r.quota)}`;
  if (headers.length) {
    const h: string[] = [];
    for (const n of headers) {
      const v = q.headers[n];
      if (v !== undefined && !isSecretHeader(n)) h.push(`${str(n)}:${str(v)}`);
    }
    line += `,"request_headers":{${h.join(",")}}`;
  }
  return `${line}}\n`;
}

export function createJsonAccessLog(opts: JsonAccessLogOptions): ReportAdapter {
  const headers = (opts.headers ?? []).map((h) => h.toLowerCase()).filter((h) => !isSecretHeader(h));
  return {
    name: opts.name ?? "json-access-log",
    report(batch) {
      for (const r of batch) opts.write(accessLogLine(r, headers));
    },
  };
}
