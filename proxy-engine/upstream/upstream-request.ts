// One upstream attempt to one endpoint: HTTP/1.1 through the cluster's undici pool, or HTTP/2 through its
// h2c session. A failure before anything was sent (refused, unreachable, connect timeout) is reported as a
// connect failure, so the router can try the next endpoint; connect and per-try timeouts apply to both.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type http2 from "node:http2";
import type { Dispatcher } from "undici";
import type { ActiveStream } from "../http/active-stream";
import type { CompiledCluster, Endpoint } from "./cluster";
import type { BodySink, UpstreamResponse } from "./upstream-response";

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
  /** HTTP/1.1-style request headers (host, no pseudo-headers, no hop-by-hop headers). */
  headers: OutgoingHttpHeaders;
  perTryTimeoutMs: number;
  /** Whether the downstream request has a body (a body can only be sent once). */
  hasBody: boolean;
}

/** An attempt in flight; destroy() abandons it. */
export interface UpstreamHandle {
  destroy(): void;
}

/** Errors that mean the request never reached the upstream. */
// (A socket closed mid-request, UND_ERR_SOCKET, is a reset: the upstream may have acted on the request.)
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);

interface Attempt {
  respond(res: UpstreamResponse): boolean;
  fail(f: AttemptFailure): void;
  hostEnd(ok: boolean): void;
}

export function startAttempt(s: ActiveStream, cluster: CompiledCluster, ep: Endpoint, opts: AttemptOptions, h: AttemptHandlers): UpstreamHandle {
  ep.stats.rq_total++;
  ep.stats.rq_active++;
  cluster.stats.upstream_rq_total.value++;
  let settled = false;
  let hostDone = false;
  let tryTimer: NodeJS.Timeout | undefined;
  const a: Attempt = {
    hostEnd(ok) {
      if (hostDone) return;
      hostDone = true;
      ep.stats.rq_active--;
      if (ok) ep.stats.rq_success++;
      else ep.stats.rq_error++;
    },
    respond(res) {
      if (settled) return false;
      settled = true;
      clearTimeout(tryTimer);
      h.onResponse(res);
      return true;
    },
    fail(f) {
      if (settled) return;
      settled = true;
      clearTimeout(tryTimer);
      a.hostEnd(false);
      if (f.kind === "connect") {
        cluster.stats.upstream_cx_connect_fail.value++;
        ep.stats.cx_connect_fail++;
      }
      h.onFailure(f);
    },
  };
  const handle = cluster.protocol === "http2" ? sendH2(s, cluster, ep, opts, a) : sendH1(s, cluster, ep, opts, a);
  if (opts.perTryTimeoutMs > 0) {
    tryTimer = setTimeout(() => {
      if (settled) return;
      cluster.stats.upstream_rq_per_try_timeout.value++;
      // Settle first, so the failure the abandoned request reports is ignored.
      a.fail({ kind: "per-try-timeout" });
      handle.destroy();
    }, opts.perTryTimeoutMs);
  }
  return handle;
}

function sendH1(s: ActiveStream, cluster: CompiledCluster, ep: Endpoint, opts: AttemptOptions, a: Attempt): UpstreamHandle {
  const { req } = s;
  let controller: Dispatcher.DispatchController | undefined;
  let abandoned = false;
  let sink: BodySink | undefined;
  let discarding = false;
  let status = 0;
  let pending: Buffer[] | undefined;
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(c) {
      controller = c;
      if (abandoned) c.abort(new Error("abandoned"));
    },
    onResponseStart(c, statusCode, headers) {
      // 1xx responses are absorbed here (the downstream's own 100-continue is answered by its server).
      if (statusCode < 200) return;
      status = statusCode;
      // Nothing flows until the router decides (deliver or retry).
      c.pause();
      const res: UpstreamResponse = {
        status: statusCode,
        headers: headers as IncomingHttpHeaders,
        stream(k) {
          sink = k;
          for (const chunk of pending ?? []) k.onData(chunk);
          pending = undefined;
          c.resume();
        },
        discard() {
          discarding = true;
          c.resume();
        },
        destroy() {
          c.abort(new Error("abandoned"));
        },
      };
      if (!a.respond(res)) c.abort(new Error("abandoned"));
    },
    onResponseData(c, chunk) {
      if (discarding) return;
      if (!sink) {
        (pending ??= []).push(chunk);
        return;
      }
      if (!sink.onData(chunk)) {
        c.pause();
        sink.onDrain(() => c.resume());
      }
    },
    onResponseEnd(_c, trailers) {
      a.hostEnd(status < 500);
      const t = trailers && Object.keys(trailers).length ? (trailers as IncomingHttpHeaders) : undefined;
      sink?.onEnd(t);
    },
    onResponseError(_c, err) {
      const code = (err as NodeJS.ErrnoException).code ?? err.message;
      if (status !== 0) {
        a.hostEnd(false);
        return sink?.onError(err);
      }
      // A body that was never read can still go to another endpoint.
      const nothingSent = CONNECT_ERRORS.has(code) && (!opts.hasBody || !req.readableDidRead);
      a.fail(nothingSent ? { kind: "connect", code } : { kind: "reset", code });
    },
  };
  cluster.http1.get(ep.host, ep.port).dispatch(
    { origin: `http://${ep.address}`, path: opts.path, method: (req.method ?? "GET") as Dispatcher.HttpMethod, headers: opts.headers as Record<string, string>, body: opts.hasBody ? req : null },
    handler,
  );
  return {
    destroy() {
      abandoned = true;
      controller?.abort(new Error("abandoned"));
    },
  };
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
    return { destroy() {} };
  }
  if (opts.hasBody) req.pipe(stream);
  let trailers: IncomingHttpHeaders | undefined;
  let sink: BodySink | undefined;
  stream.on("trailers", (t) => (trailers = stripPseudo(t)));
  stream.once("response", (rh) => {
    clearTimeout(connectTimer);
    const status = Number(rh[":status"] ?? 502);
    a.respond({
      status,
      headers: stripPseudo(rh),
      stream(k) {
        sink = k;
        stream.on("data", (chunk: Buffer) => {
          if (!k.onData(chunk)) {
            stream.pause();
            k.onDrain(() => stream.resume());
          }
        });
        stream.once("end", () => {
          a.hostEnd(status < 500 && !stream.rstCode);
          k.onEnd(trailers);
        });
      },
      discard() {
        stream.resume();
      },
      destroy() {
        stream.destroy();
      },
    });
  });
  stream.on("error", (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    const code = err.code ?? err.message;
    if (sink) {
      a.hostEnd(false);
      return sink.onError(err);
    }
    a.fail(connected ? { kind: "reset", code } : { kind: "connect", code });
  });
  return {
    destroy() {
      stream.destroy();
    },
  };
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
