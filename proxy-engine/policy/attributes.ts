// The attribute bag of one request, with Istio's attribute names as nested plain objects (what CEL rules and
// report adapters read). Request-phase attributes are built once when policy first needs them; response
// attributes are added when the stream ends.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { ActiveStream } from "../http/active-stream";
import type { TrackedSocket } from "../listener/tracked-socket";
import type { MatchInput } from "../router/request-matcher";
import type { DestinationService } from "./destination-service";
import type { Workload } from "./workload";

export type Reporter = "source" | "destination";

export interface WorkloadAttributes {
  name: string;
  namespace: string;
}

export interface SourceAttributes {
  workload: WorkloadAttributes;
  ip: string;
  port: number;
  uid: string;
  labels: Readonly<Record<string, string>>;
  principal: string;
}

export interface DestinationAttributes {
  workload: WorkloadAttributes;
  service: { host: string; name: string; namespace: string };
  ip: string;
  port: number;
  uid: string;
  labels: Readonly<Record<string, string>>;
}

export interface RequestAttributes {
  method: string;
  /** The URL path with its query string (Istio's request.path). */
  path: string;
  /** The path without the query. */
  url_path: string;
  host: string;
  scheme: string;
  /** Lower-case names; repeated headers joined by ", ". */
  headers: Readonly<Record<string, string>>;
  /** Declared Content-Length (bodies are streamed, not counted). */
  size: number;
  id: string;
  useragent: string;
  /** Epoch milliseconds. */
  time: number;
}

export interface ResponseAttributes {
  code: number;
  size: number;
  /** Milliseconds from the request's arrival to the stream's end. */
  duration: number;
  headers: Readonly<OutgoingHttpHeaders>;
  /** Envoy response flags, "-" when none. */
  flags: string;
}

export interface Attributes {
  source: SourceAttributes;
  destination: DestinationAttributes;
  request: RequestAttributes;
  /** Absent until the stream ends (check rules that read it count an error). */
  response?: ResponseAttributes;
  connection: { id: number; mtls: boolean };
  context: { protocol: "http" | "grpc"; reporter: Reporter };
}

/**
 * node's headers are lower-case already, and node joins repeated request headers into one string, all but
 * set-cookie, which it always gives as an array (IncomingMessage.headers): only that one needs joining.
 */
export function headerMap(h: IncomingHttpHeaders): Readonly<Record<string, string>> {
  const setCookie = h["set-cookie"];
  return setCookie === undefined || typeof setCookie === "string" ? (h as Record<string, string>) : joinHeaders(h);
}

function joinHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

export interface Peers {
  reporter: Reporter;
  /** The client workload: this proxy's own when it reports as source, else the peer's (if it said). */
  source: Workload;
  /** The server workload: this proxy's own when it reports as destination. */
  destination: Workload;
  service: DestinationService;
}

const workloadAttributes = (w: Workload): WorkloadAttributes => ({ name: w.name, namespace: w.namespace });

export function requestAttributes(s: ActiveStream, input: MatchInput, peers: Peers): Attributes {
  const { req } = s;
  const sock = req.socket as TrackedSocket;
  const h = input.headers;
  const ct = h["content-type"];
  const inbound = peers.reporter === "destination";
  return {
    source: {
      workload: workloadAttributes(peers.source),
      ip: sock.remoteAddress ?? "",
      port: sock.remotePort ?? 0,
      uid: peers.source.uid,
      labels: peers.source.labels,
      principal: "",
    },
    destination: {
      workload: workloadAttributes(peers.destination),
      service: { host: peers.service.host, name: peers.service.name, namespace: peers.service.namespace },
      ip: inbound ? (sock.localAddress ?? "") : "",
      port: inbound ? (sock.localPort ?? 0) : peers.service.port,
      uid: peers.destination.uid,
      labels: peers.destination.labels,
    },
    request: {
      method: input.method,
      path: req.url ?? input.path,
      url_path: input.path,
      host: input.authority,
      scheme: input.scheme,
      headers: headerMap(h),
      size: Number(h["content-length"]) || 0,
      id: (h["x-request-id"] as string | undefined) ?? "",
      useragent: (h["user-agent"] as string | undefined) ?? "",
      time: Date.now(),
    },
    connection: { id: sock.meshConnectionId ?? 0, mtls: false },
    context: { protocol: typeof ct === "string" && ct.startsWith("application/grpc") ? "grpc" : "http", reporter: peers.reporter },
  };
}

/** Adds the response attributes once the stream is over (flags and byte counts are final then). */
export function finishAttributes(a: Attributes, s: ActiveStream, now: number): void {
  if (a.context.reporter === "source" && s.endpoint) {
    a.destination.ip = s.endpoint.host;
    a.destination.port = s.endpoint.port;
  }
  a.response = {
    code: s.status,
    size: s.responseBytes,
    duration: now - s.startedAt,
    headers: s.responseHeaders ?? {},
    flags: s.responseFlags || "-",
  };
}
