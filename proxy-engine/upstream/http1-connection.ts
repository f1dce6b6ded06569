// One upstream HTTP/1.1 connection: a TCP socket read by node's own llhttp response parser (the one node's
// http client uses, strict mode), carrying one exchange at a time (no pipelining, as Envoy's HTTP/1.1 pool).
// It writes a request head as one string and hands response body chunks straight to the exchange, without
// the stream and dispatcher layers of undici, which cost about a fifth of the proxy's CPU (bench:proxy).

import type { IncomingHttpHeaders } from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import type { Readable } from "node:stream";

/** What the connection carries: a serialized request and the callbacks for its response. */
export interface Http1Exchange {
  /** Request line, headers and the blank line, as latin1 text. */
  readonly head: string;
  /** The request body, read and written as it arrives; null when there is none. */
  readonly body: Readable | null;
  /** Whether the body is sent with chunked transfer coding (no content-length was given). */
  readonly chunked: boolean;
  /** A HEAD request: the response has no body whatever its headers say. */
  readonly headRequest: boolean;
  /** The connection carrying it, once one took it. */
  conn: Http1Connection | undefined;
  /** The host's connection counts, bumped by the connection it opens. */
  readonly hostStats: { cx_total: number; cx_active: number };
  onResponseHead(status: number, headers: IncomingHttpHeaders): void;
  onResponseBody(chunk: Buffer): void;
  onResponseEnd(trailers: IncomingHttpHeaders | undefined): void;
  /** The exchange failed: `sent` says whether any of the request reached the socket. */
  onFailure(code: string, message: string, sent: boolean): void;
}

/** The pool's side of a connection. */
export interface ConnectionOwner {
  /** The connection is free for the next exchange. */
  release(conn: Http1Connection): void;
  /** The connection is gone (closed by either side, or failed to connect): `code` says why. */
  closed(conn: Http1Connection, code: string, connected: boolean): void;
}

interface ParseError extends Error {
  code?: string;
  reason?: string;
}

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | ParseError;
  finish(): undefined | ParseError;
  close(): void;
  [callback: number]: unknown;
  conn: Http1Connection;
}

interface HTTPParserClass {
  new (): LlhttpParser;
  RESPONSE: number;
  kOnMessageBegin: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}

// node:http's parser binding, through the module node's own client and server load it from.
const { HTTPParser } = createRequire(import.meta.url)("_http_common") as { HTTPParser: HTTPParserClass };

/** Envoy's default limit on upstream response headers (max_response_headers_kb: 60). */
const MAX_HEADER_BYTES = 60 * 1024;

export class Http1Connection {
  readonly socket: net.Socket;
  /** The exchange in flight, if any. */
  exchange: Http1Exchange | undefined;
  /** performance.now() when it last went idle (the pool closes idle connections after a while). */
  idleSince = 0;
  private readonly parser: LlhttpParser;
  private connected = false;
  private dead = false;
  /** Header pairs llhttp flushed before headers-complete (more than 32 pairs, or a message split across reads). */
  private pairs: string[] = [];
  /** Between a response's headers and its end: flushed pairs are trailers then. */
  private inBody = false;
  /** The response being parsed is 1xx (ignored: the downstream's own 100-continue is its server's). */
  private interim = false;
  private keepAlive = false;
  /** Requests sent on this connection. */
  private requests = 0;
  /** A response completed on a reusable connection, which goes back to the pool after the current read. */
  private completed = false;
  private requestDone = false;
  /** Whether the head of the current exchange went out. */
  private sent = false;
  private connectTimer: NodeJS.Timeout | undefined;
  /** Bound once per connection: the body sink's drain resumes reading. */
  readonly resume: () => void;
  private bodyDetach: (() => void) | undefined;
  private readonly hostStats: { cx_total: number; cx_active: number };

  constructor(
    private readonly owner: ConnectionOwner,
    host: string,
    port: number,
    connectTimeoutMs: number,
    /** Closed after this many requests (Envoy's max_requests_per_connection); 0: no limit. */
    private readonly maxRequests: number,
    first: Http1Exchange,
  ) {
    this.exchange = first;
    first.conn = this;
    this.hostStats = first.hostStats;
    this.hostStats.cx_total++;
    this.hostStats.cx_active++;
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.RESPONSE, {}, MAX_HEADER_BYTES, HTTPParser.kLenientNone);
    parser.conn = this;
    parser[HTTPParser.kOnMessageBegin] = onMessageBegin;
    parser[HTTPParser.kOnHeaders] = onHeaders;
    parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete;
    parser[HTTPParser.kOnBody] = onBody;
    parser[HTTPParser.kOnMessageComplete] = onMessageComplete;
    this.parser = parser;
    this.resume = () => {
      if (!this.dead) this.socket.resume();
    };
    const socket = net.connect({ host, port, noDelay: true });
    // As with the HTTP/2 sessions, upstream connections never keep the process alive by themselves.
    socket.unref();
    this.socket = socket;
    this.connectTimer = setTimeout(() => this.abort("ETIMEDOUT", `connect timeout after ${connectTimeoutMs}ms`), connectTimeoutMs);
    socket.once("connect", () => {
      clearTimeout(this.connectTimer);
      this.connected = true;
      const ex = this.exchange;
      if (ex) this.write(ex);
      else this.idle();
    });
    socket.on("data", (chunk: Buffer) => {
      const r = this.parser.execute(chunk);
      if (typeof r !== "number") return this.abort(r.code ?? "HPE_INVALID", `invalid upstream response: ${r.reason ?? r.message}`);
      // Released only once the whole read is parsed: bytes after a response's end are nobody's (see messageBegin).
      if (this.completed && !this.dead) {
        this.completed = false;
        this.idle();
      }
    });
    socket.on("end", () => {
      // A response delimited by the connection's close ends here.
      const r = this.parser.finish();
      if (r) return this.abort(r.code ?? "HPE_INVALID", `invalid upstream response: ${r.reason ?? r.message}`);
      this.abort("UPSTREAM_CLOSED", "the upstream closed the connection");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => this.abort(err.code ?? "ECONNRESET", err.message));
    socket.on("close", () => {
      this.abort("UPSTREAM_CLOSED", "the upstream closed the connection");
      parser.close();
    });
  }

  /** Runs an exchange on this idle connection. */
  run(ex: Http1Exchange): void {
    this.exchange = ex;
    ex.conn = this;
    this.write(ex);
  }

  /** Stops reading the response (the body's consumer is full); `resume` restarts it. */
  pause(): void {
    this.socket.pause();
  }

  /**
   * Gives up an exchange, which then fails with ABANDONED. One not yet written leaves the connection to the
   * pool; otherwise the connection is closed, since the rest of its response would arrive unasked.
   */
  detach(ex: Http1Exchange): void {
    if (this.exchange !== ex) return;
    if (this.connected) return this.abort("ABANDONED", "abandoned");
    this.exchange = undefined;
    ex.conn = undefined;
    ex.onFailure("ABANDONED", "abandoned", false);
  }

  /** Closes the connection; an exchange in flight fails with `code`. */
  abort(code: string, message: string): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.connectTimer);
    this.bodyDetach?.();
    this.socket.destroy();
    this.hostStats.cx_active--;
    this.owner.closed(this, code, this.connected);
    const ex = this.exchange;
    this.exchange = undefined;
    ex?.onFailure(code, message, this.sent);
  }

  private write(ex: Http1Exchange): void {
    this.sent = true;
    this.requests++;
    this.requestDone = ex.body === null;
    // pairs, inBody and interim are already clear: a connection runs an exchange only once the last one's
    // response completed (messageComplete), or fresh.
    this.socket.write(ex.head, "latin1");
    if (ex.body) this.sendBody(ex.body, ex.chunked);
  }

  private sendBody(body: Readable, chunked: boolean): void {
    const socket = this.socket;
    const onData = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      let ok: boolean;
      if (chunked) {
        socket.cork();
        socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
        socket.write(chunk);
        ok = socket.write("\r\n", "latin1");
        socket.uncork();
      } else ok = socket.write(chunk);
      if (!ok) body.pause();
    };
    const onDrain = () => body.resume();
    const onEnd = () => {
      detach();
      if (chunked) socket.write("0\r\n\r\n", "latin1");
      this.requestDone = true;
    };
    // The downstream went away mid-body: the upstream must not see a truncated request as complete.
    const onAbort = () => this.abort("DOWNSTREAM_ABORTED", "the downstream request body was cut short");
    const detach = () => {
      this.bodyDetach = undefined;
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onAbort);
      body.off("close", onClose);
      socket.off("drain", onDrain);
    };
    const onClose = () => {
      if (!body.readableEnded) onAbort();
    };
    this.bodyDetach = detach;
    body.on("data", onData);
    body.once("end", onEnd);
    body.once("error", onAbort);
    body.once("close", onClose);
    socket.on("drain", onDrain);
    body.resume();
  }

  private idle(): void {
    // The last response's consumer may have paused reading as that response ended; its bytes are all
    // delivered, so the next exchange reads afresh rather than wait on someone else's slow client.
    if (this.socket.isPaused()) this.socket.resume();
    this.idleSince = performance.now();
    this.owner.release(this);
  }

  /** Parser callbacks (llhttp calls them with the parser as `this`; these take it over). */
  headersComplete(raw: string[] | undefined, status: number, upgrade: boolean, keepAlive: boolean): number {
    const ex = this.exchange;
    if (!ex) {
      this.abort("UPSTREAM_PROTOCOL_ERROR", "the upstream sent a response nobody asked for");
      return 0;
    }
    const pairs = raw ?? this.pairs;
    this.pairs = [];
    if (upgrade || status === 101) {
      this.abort("UPSTREAM_PROTOCOL_ERROR", "the upstream switched protocols on a plain request");
      return 0;
    }
    if (status < 200) {
      this.interim = true;
      return 0;
    }
    this.inBody = true;
    this.keepAlive = keepAlive;
    ex.onResponseHead(status, headersObject(pairs));
    // 1: llhttp skips the body (a HEAD response's content-length describes what a GET would get).
    return ex.headRequest ? 1 : 0;
  }

  /**
   * A response starts. Without an exchange waiting for it, or after this read already completed one, the
   * upstream is answering what nobody asked: the connection is closed, so those bytes can never be taken
   * for the next request's response (response queue poisoning).
   */
  messageBegin(): void {
    if (this.exchange === undefined || this.completed) this.abort("UPSTREAM_PROTOCOL_ERROR", "the upstream sent a response nobody asked for");
  }

  flushedPairs(pairs: string[]): void {
    for (let i = 0; i < pairs.length; i++) this.pairs.push(pairs[i]!);
  }

  body(chunk: Buffer): void {
    this.exchange?.onResponseBody(chunk);
  }

  messageComplete(): void {
    if (this.interim) {
      this.interim = false;
      return;
    }
    const ex = this.exchange;
    if (!ex) return;
    const trailers = this.inBody && this.pairs.length ? headersObject(this.pairs) : undefined;
    this.inBody = false;
    this.pairs = [];
    this.exchange = undefined;
    ex.conn = undefined;
    const spent = this.maxRequests > 0 && this.requests >= this.maxRequests;
    const reusable = this.keepAlive && this.requestDone && !this.dead && !spent;
    this.sent = false;
    if (!reusable) {
      // An unfinished request body is not sent on; the connection goes with it.
      this.bodyDetach?.();
      this.abort(spent ? "MAX_REQUESTS" : "DONE", "response complete");
    }
    if (reusable) this.completed = true;
    ex.onResponseEnd(trailers);
  }
}

function onMessageBegin(this: LlhttpParser): void {
  this.conn.messageBegin();
}

function onHeaders(this: LlhttpParser, pairs: string[]): void {
  this.conn.flushedPairs(pairs);
}

function onHeadersComplete(
  this: LlhttpParser,
  _major: number,
  _minor: number,
  headers: string[] | undefined,
  _method: number | undefined,
  _url: string | undefined,
  status: number,
  _statusMessage: string,
  upgrade: boolean,
  keepAlive: boolean,
): number {
  return this.conn.headersComplete(headers, status, upgrade, keepAlive);
}

function onBody(this: LlhttpParser, chunk: Buffer): void {
  this.conn.body(chunk);
}

function onMessageComplete(this: LlhttpParser): void {
  this.conn.messageComplete();
}

/** Header pairs as node's IncomingHttpHeaders: lower-case names; a repeated header becomes an array (undici's rule). */
export function headersObject(pairs: string[]): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i]!.toLowerCase();
    const value = pairs[i + 1]!;
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (typeof prev === "string") out[name] = [prev, value];
    else prev.push(value);
  }
  return out as IncomingHttpHeaders;
}
