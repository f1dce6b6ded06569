// Envoy access log command operators (%START_TIME%, %REQ(X)%, %RESPONSE_CODE%, ...), compiled once into
// functions over a finished stream. Secret request/response headers are redacted.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { ConfigError } from "../../config/config-error";
import { isSecretHeader, REDACTED } from "../../tap/redact";

/** Everything a log line can show about one finished stream. */
export interface LogRecord {
  startTime: number;
  durationMs: number;
  method: string;
  path: string;
  authority: string;
  protocol: string;
  requestHeaders: IncomingHttpHeaders;
  responseHeaders: OutgoingHttpHeaders | undefined;
  responseCode: number;
  responseFlags: string;
  bytesReceived: number;
  bytesSent: number;
  upstreamHost: string;
  upstreamCluster: string;
  routeName: string;
  downstreamRemote: string;
  downstreamLocal: string;
  attempts: number;
}

type Op = (r: LogRecord) => string | number | null;

function header(h: IncomingHttpHeaders | OutgoingHttpHeaders | undefined, name: string): string | null {
  const v = h?.[name];
  if (v === undefined) return null;
  if (isSecretHeader(name)) return REDACTED;
  return Array.isArray(v) ? v.join(",") : String(v);
}

const OPS: Record<string, Op> = {
  START_TIME: (r) => new Date(r.startTime).toISOString(),
  DURATION: (r) => Math.round(r.durationMs),
  RESPONSE_CODE: (r) => r.responseCode,
  RESPONSE_FLAGS: (r) => r.responseFlags || "-",
  BYTES_RECEIVED: (r) => r.bytesReceived,
  BYTES_SENT: (r) => r.bytesSent,
  PROTOCOL: (r) => r.protocol,
  UPSTREAM_HOST: (r) => r.upstreamHost || null,
  UPSTREAM_CLUSTER: (r) => r.upstreamCluster || null,
  ROUTE_NAME: (r) => r.routeName || null,
  DOWNSTREAM_REMOTE_ADDRESS: (r) => r.downstreamRemote,
  DOWNSTREAM_LOCAL_ADDRESS: (r) => r.downstreamLocal,
  UPSTREAM_REQUEST_ATTEMPT_COUNT: (r) => r.attempts,
};

function reqHeader(name: string): Op {
  const n = name.toLowerCase();
  if (n === ":path") return (r) => r.path;
  if (n === ":method") return (r) => r.method;
  if (n === ":authority" || n === "host") return (r) => r.authority;
  return (r) => header(r.requestHeaders, n);
}

/** Compiles one format string; a string made of exactly one operator keeps its type (numbers stay numbers). */
export function compileLogFormat(text: string, path: string): Op {
  const parts: (string | Op)[] = [];
  const re = /%%|%([A-Z_]+)(?:\(([^)]*)\))?(?::(\d+))?%/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === "%%") {
      parts.push("%");
      continue;
    }
    const [name, arg] = [m[1]!, m[2]];
    if (name === "REQ" && arg) parts.push(reqHeader(arg.split("?")[0]!));
    else if (name === "RESP" && arg) {
      const h = arg.toLowerCase();
      parts.push((r) => header(r.responseHeaders, h));
    } else if (OPS[name] && arg === undefined) parts.push(OPS[name]);
    else throw new ConfigError([{ path, message: `unsupported access log operator %${name}${arg !== undefined ? `(${arg})` : ""}% (supported: ${Object.keys(OPS).join(", ")}, REQ(x), RESP(x))` }]);
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.length === 1 && typeof parts[0] !== "string") return parts[0]!;
  return (r) => parts.map((p) => (typeof p === "string" ? p : (p(r) ?? "-"))).join("");
}

/** Envoy's default fields, as JSON. */
export const DEFAULT_JSON_FORMAT: Record<string, string> = {
  start_time: "%START_TIME%",
  method: "%REQ(:METHOD)%",
  path: "%REQ(:PATH)%",
  protocol: "%PROTOCOL%",
  response_code: "%RESPONSE_CODE%",
  response_flags: "%RESPONSE_FLAGS%",
  bytes_received: "%BYTES_RECEIVED%",
  bytes_sent: "%BYTES_SENT%",
  duration: "%DURATION%",
  upstream_service_time: "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
  x_forwarded_for: "%REQ(X-FORWARDED-FOR)%",
  user_agent: "%REQ(USER-AGENT)%",
  request_id: "%REQ(X-REQUEST-ID)%",
  authority: "%REQ(:AUTHORITY)%",
  upstream_host: "%UPSTREAM_HOST%",
  upstream_cluster: "%UPSTREAM_CLUSTER%",
  route_name: "%ROUTE_NAME%",
  downstream_remote_address: "%DOWNSTREAM_REMOTE_ADDRESS%",
};

export function compileJsonFormat(fields: Record<string, unknown>, path: string): (r: LogRecord) => string {
  const ops = Object.entries(fields).map(([k, v]) => {
    if (typeof v !== "string") throw new ConfigError([{ path: `${path}.${k}`, message: "nested or non-string json_format values are not supported" }]);
    return [k, compileLogFormat(v, `${path}.${k}`)] as const;
  });
  return (r) => {
    const o: Record<string, unknown> = {};
    for (const [k, op] of ops) o[k] = op(r);
    return JSON.stringify(o);
  };
}
