// One upstream attempt to one endpoint: HTTP/1.1 through the cluster's connection pool, or HTTP/2 through its
// h2c session. A failure before anything was sent (refused, unreachable, connect timeout) is reported as a
// connect failure, so the router can try the next endpoint; connect and per-try timeouts apply to both.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type http2 from "node:http2";
import type { Readable } from "node:stream";
import type { ActiveStream } from "../http/active-stream";
import type { CompiledCluster, Endpoint } from "./cluster";
import type { Http1Connection, Http1Exchange } from "./http1-connection";
import type { Http1Pool } from "./http1-pool";
import type { HostStats } from "./host-registry";
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

/**
 * One attempt's bookkeeping: settles once (a response or a failure) and ends its host's request count once.
 * A class, since one is made per request (no closures to allocate).
 */
class Attempt {
  private settled = false;
  private hostDone = false;
  tryTimer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly cluster: CompiledCluster,
    private readonly ep: Endpoint,
    private readonly h: AttemptHandlers,
  ) {}

  get isSettled(): boolean {
    return this.settled;
  }

  hostEnd(ok: boolean): void {
    if (this.hostDone) return;
    this.hostDone = true;
    const st = this.ep.stats;
    st.rq_active--;
    if (ok) st.rq_success++;
    else st.rq_error++;
  }

  respond(res: UpstreamResponse): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.tryTimer);
    this.h.onResponse(res);
    return true;
  }

  fail(f: AttemptFailure): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.tryTimer);
    this.hostEnd(false);
    if (f.kind === "connect") {
      this.cluster.stats.upstream_cx_connect_fail.value++;
      this.ep.stats.cx_connect_fail++;
    }
    this.h.onFailure(f);
  }
}

export function startAttempt(s: ActiveStream, cluster: CompiledCluster, ep: Endpoint, opts: AttemptOptions, h: AttemptHandlers): UpstreamHandle {
  ep.stats.rq_total++;
  ep.stats.rq_active++;
  cluster.stats.upstream_rq_total.value++;
  const a = new Attempt(cluster, ep, h);
  const handle = cluster.protocol === "http2" ? sendH2(s, cluster, ep, opts, a) : sendH1(s, cluster, ep, opts, a);
  if (opts.perTryTimeoutMs > 0) {
    a.tryTimer = setTimeout(() => {
      if (a.isSettled) return;
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
  const method = req.method ?? "GET";
  const { headers } = opts;
  let framing = "";
  let chunked = false;
  if (headers.host === undefined) framing = `host: ${ep.address}\r\n`;
  if (headers["content-length"] === undefined) {
    // A body of unknown length is chunked; a bodiless POST/PUT/PATCH says so (as node's and undici's clients do).
    if (opts.hasBody) {
      framing += "transfer-encoding: chunked\r\n";
      chunked = true;
    } else if (method === "POST" || method === "PUT" || method === "PATCH") framing += "content-length: 0\r\n";
  }
  let head: string;
  try {
    head = requestHead(method, opts.path, headers, framing);
  } catch (e) {
    queueMicrotask(() => a.fail({ kind: "reset", code: (e as NodeJS.ErrnoException).code ?? "INVALID_REQUEST" }));
    return { destroy() {} };
  }
  const pool = cluster.http1.get(ep.host, ep.port);
  const ex = new H1Attempt(a, pool, ep.stats, head, opts.hasBody ? req : null, chunked, method === "HEAD", opts.hasBody && !!req.readableDidRead);
  pool.dispatch(ex);
  return ex;
}

/**
 * One HTTP/1.1 attempt: the exchange its connection runs and the response the router reads. A class, since
 * one is made per request (methods on the prototype, no closures).
 */
class H1Attempt implements Http1Exchange, UpstreamResponse, UpstreamHandle {
  conn: Http1Connection | undefined = undefined;
  status = 0;
  headers: IncomingHttpHeaders = NO_HEADERS;
  private sink: BodySink | undefined = undefined;
  private pending: Buffer[] | undefined = undefined;
  private discarding = false;
  /** The response ended before the router chose to stream or discard it. */
  private ended = false;
  private trailers: IncomingHttpHeaders | undefined = undefined;

  constructor(
    private readonly a: Attempt,
    private readonly pool: Http1Pool,
    readonly hostStats: HostStats,
    readonly head: string,
    readonly body: Readable | null,
    readonly chunked: boolean,
    readonly headRequest: boolean,
    /** An earlier attempt already read from the body, so this one cannot be called a clean connect failure. */
    private readonly bodyTouched: boolean,
  ) {}

  onResponseHead(status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
    // Nothing flows until the router decides (deliver or retry); it usually does so right here.
    if (!this.a.respond(this)) this.destroy();
  }

  onResponseBody(chunk: Buffer): void {
    if (this.discarding) return;
    const sink = this.sink;
    if (sink === undefined) {
      (this.pending ??= []).push(chunk);
      this.conn?.pause();
      return;
    }
    if (!sink.onData(chunk) && this.conn) {
      this.conn.pause();
      sink.onDrain(this.conn.resume);
    }
  }

  onResponseEnd(trailers: IncomingHttpHeaders | undefined): void {
    this.a.hostEnd(this.status < 500);
    if (this.sink) this.sink.onEnd(trailers);
    else if (!this.discarding) {
      this.ended = true;
      this.trailers = trailers;
    }
  }

  onFailure(code: string, message: string, sent: boolean): void {
    if (this.status !== 0) {
      this.a.hostEnd(false);
      return this.sink?.onError(coded(code, message));
    }
    // Nothing of it reached a socket (connect failed, or it waited in the queue), and the body was never read:
    // it can still go to another endpoint. Anything else is a reset: the upstream may have acted on it.
    const nothingSent = !sent && !this.bodyTouched;
    this.a.fail(nothingSent ? { kind: "connect", code } : { kind: "reset", code });
  }

  stream(sink: BodySink): void {
    this.sink = sink;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) for (const chunk of pending) sink.onData(chunk);
    if (this.ended) return sink.onEnd(this.trailers);
    this.conn?.resume();
  }

  discard(): void {
    this.discarding = true;
    this.pending = undefined;
    this.conn?.resume();
  }

  /** Abandons the attempt (the handle's destroy) or its response (the router's): out of the queue, or off its connection. */
  destroy(): void {
    this.pool.cancel(this);
  }
}

const NO_HEADERS: IncomingHttpHeaders = {};
/** RFC 9110 token: what a header name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may not hold: the characters that would end it or the head early. */
const VALUE_BREAK = /[\0\r\n]/;
/** What a request target may not hold: spaces and control characters. */
const TARGET_BREAK = /[\0-\x20\x7f]/;

/** The request line and headers, checked so nothing a config or a peer supplied can split the request. */
export function requestHead(method: string, path: string, headers: OutgoingHttpHeaders, framing: string): string {
  if (path === "" || TARGET_BREAK.test(path)) throw coded("INVALID_REQUEST_TARGET", `invalid request target ${JSON.stringify(path)}`);
  let head = `${method} ${path} HTTP/1.1\r\n`;
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    if (!TOKEN.test(name)) throw coded("INVALID_HEADER_NAME", `invalid header name ${JSON.stringify(name)}`);
    if (typeof v === "object") {
      for (const x of v) head += headerLine(name, x);
    } else head += headerLine(name, typeof v === "number" ? String(v) : v);
  }
  return `${head}${framing}\r\n`;
}

function headerLine(name: string, value: string): string {
  if (VALUE_BREAK.test(value)) throw coded("INVALID_HEADER_VALUE", `invalid value for header ${name}`);
  return `${name}: ${value}\r\n`;
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
