// One upstream attempt to one endpoint, over the cluster's HTTP/1.1 keep-alive pool or its HTTP/2
// sessions. The request body is piped only once the connection is up, so a refused connection can be
// retried on the next endpoint with nothing lost; connect and per-try timeouts apply to both protocols.

import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import http2 from "node:http2";
import type { Socket } from "node:net";
import type { ActiveStream } from "../http/active-stream";
import type { CompiledCluster, Endpoint } from "./cluster";
import { fromIncomingMessage, type UpstreamResponse } from "./upstream-response";

export type AttemptFailure =
  /** Nothing reached the upstream: refused, unreachable, connect timeout, or an idle pooled connection the peer had closed. */
  | { kind: "connect"; code: string }
  /** The request (or part of it) was sent, then the connection failed before response headers. */
  | { kind: "reset"; code: string }
  | { kind: "per-try-timeout" };

export interface AttemptHandlers {
  onResponse(res: UpstreamResponse): void;
  onFailure(f: AttemptFailure): void;
}

export interface AttemptOptions {
  path: string;
  /** HTTP/1.1-style request headers (host, no pseudo-headers). */
  headers: OutgoingHttpHeaders;
  perTryTimeoutMs: number;
  /** Whether the downstream request has a body (a body can only be sent once). */
  hasBody: boolean;
}

/** An attempt in flight; destroy() abandons it. */
export interface UpstreamHandle {
  destroy(): void;
}

export function startAttempt(s: ActiveStream, cluster: CompiledCluster, ep: Endpoint, opts: AttemptOptions, h: AttemptHandlers): UpstreamHandle {
  ep.stats.rq_total++;
  ep.stats.rq_active++;
  cluster.stats.upstream_rq_total.value++;
  let settled = false;
  let hostDone = false;
  let tryTimer: NodeJS.Timeout | undefined;
  const hostEnd = (ok: boolean) => {
    if (hostDone) return;
    hostDone = true;
    ep.stats.rq_active--;
    if (ok) ep.stats.rq_success++;
    else ep.stats.rq_error++;
  };
  const attempt = {
    settle(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(tryTimer);
      return true;
    },
    respond(res: UpstreamResponse) {
      if (!attempt.settle()) return res.destroy();
      res.body.once("close", () => hostEnd(res.status < 500 && res.complete()));
      h.onResponse(res);
    },
    fail(f: AttemptFailure) {
      if (!attempt.settle()) return;
      hostEnd(false);
      if (f.kind === "connect") {
        cluster.stats.upstream_cx_connect_fail.value++;
        ep.stats.cx_connect_fail++;
      }
      h.onFailure(f);
    },
  };
  const handle = cluster.protocol === "http2" ? sendH2(s, cluster, ep, opts, attempt) : sendH1(s, cluster, ep, opts, attempt);
  if (opts.perTryTimeoutMs > 0) {
    tryTimer = setTimeout(() => {
      cluster.stats.upstream_rq_per_try_timeout.value++;
      handle.destroy();
      attempt.fail({ kind: "per-try-timeout" });
    }, opts.perTryTimeoutMs);
  }
  return handle;
}

interface Attempt {
  respond(res: UpstreamResponse): void;
  fail(f: AttemptFailure): void;
}

function sendH1(s: ActiveStream, cluster: CompiledCluster, ep: Endpoint, opts: AttemptOptions, a: Attempt): UpstreamHandle {
  const { req } = s;
  const upReq = http.request({ agent: cluster.agent, host: ep.host, port: ep.port, method: req.method, path: opts.path, headers: opts.headers, setHost: false });
  let bodyStarted = false;
  let connectTimer: NodeJS.Timeout | undefined;
  const startBody = () => {
    bodyStarted = true;
    if (opts.hasBody) req.pipe(upReq);
    else upReq.end();
  };
  upReq.once("socket", (sock: Socket) => {
    if (!sock.connecting) return startBody();
    connectTimer = setTimeout(() => upReq.destroy(coded("ETIMEDOUT", `connect timeout after ${cluster.connectTimeoutMs}ms`)), cluster.connectTimeoutMs);
    sock.once("connect", () => {
      clearTimeout(connectTimer);
      startBody();
    });
  });
  upReq.once("response", (m) => a.respond(fromIncomingMessage(m)));
  upReq.on("error", (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    const code = err.code ?? err.message;
    // An idle keep-alive connection the peer closed fails on first use; with no body, nothing was lost.
    const nothingSent = !bodyStarted || (upReq.reusedSocket && code === "ECONNRESET" && !opts.hasBody);
    a.fail(nothingSent ? { kind: "connect", code } : { kind: "reset", code });
  });
  return { destroy: () => upReq.destroy() };
}

function sendH2(s: ActiveStream, cluster: CompiledCluster, ep: Endpoint, opts: AttemptOptions, a: Attempt): UpstreamHandle {
  const { req } = s;
  const session = cluster.h2.get(ep.host, ep.port);
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(opts.headers)) if (k !== "host" && v !== undefined) headers[k] = v;
  headers[":method"] = req.method ?? "GET";
  headers[":path"] = opts.path;
  headers[":authority"] = String(opts.headers.host ?? "");
  headers[":scheme"] = "http";
  // gRPC needs te: trailers end to end; it is the one TE value HTTP/2 allows.
  if (req.headers.te === "trailers") headers.te = "trailers";
  let connected = !session.connecting;
  let connectTimer: NodeJS.Timeout | undefined;
  if (!connected) {
    connectTimer = setTimeout(() => session.destroy(coded("ETIMEDOUT", `connect timeout after ${cluster.connectTimeoutMs}ms`)), cluster.connectTimeoutMs);
    session.once("connect", () => {
      connected = true;
      clearTimeout(connectTimer);
    });
  }
  let stream: http2.ClientHttp2Stream;
  try {
    stream = session.request(headers, { endStream: !opts.hasBody });
  } catch (e) {
    queueMicrotask(() => a.fail({ kind: "connect", code: (e as NodeJS.ErrnoException).code ?? (e as Error).message }));
    return { destroy: () => {} };
  }
  if (opts.hasBody) req.pipe(stream);
  let trailers: IncomingHttpHeaders | undefined;
  stream.on("trailers", (t) => (trailers = stripPseudo(t)));
  stream.once("response", (rh) => {
    clearTimeout(connectTimer);
    a.respond({
      status: Number(rh[":status"] ?? 502),
      headers: stripPseudo(rh),
      body: stream,
      trailers: () => trailers,
      complete: () => stream.readableEnded && !stream.rstCode,
      destroy: () => stream.destroy(),
    });
  });
  stream.on("error", (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    const code = err.code ?? err.message;
    a.fail(connected ? { kind: "reset", code } : { kind: "connect", code });
  });
  return { destroy: () => stream.destroy() };
}

function stripPseudo(h: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const k in h) if (k.charCodeAt(0) !== 58 /* : */) out[k] = h[k];
  return out;
}

function coded(code: string, message: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  return e;
}
