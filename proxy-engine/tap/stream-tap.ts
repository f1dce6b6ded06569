// Per-request tap: decides which active taps want a request, then emits Linkerd's three events
// (RequestInit, ResponseInit, ResponseEnd) with the routing decision attached. Taps whose match depends on
// labels are decided once the request is routed; taps with an outcome filter get the stream's events at
// its end, all three or none. Each event is encoded (tap-wire.ts) when it is sent, once for every live tap
// (and once more at the end for held ones), and never kept.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { ProxyDirection, Scheme } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { BodyCapture } from "./body-capture";
import type { ActiveTap } from "./tap";
import { encodeEnvelope, encodeRequestInit, encodeResponseEnd, encodeResponseInit, type EnvelopeFields, type TapEventBytes } from "./tap-wire";
import type { TapRequestInfo } from "./tap-request";

/** What a tap keeps per downstream connection: its addresses, and the envelope its last tapped stream used. */
export interface TapConnection {
  readonly sourceIp: string;
  readonly sourcePort: number;
  readonly destinationIp: string;
  readonly destinationPort: number;
  /**
   * The last envelope written for this connection (fields and bytes, the bytes copied out of the slab so a
   * long-lived connection never keeps a slab alive): streams routed alike reuse it, on keep-alive traffic
   * nearly every one.
   */
  envelope: { fields: EnvelopeFields; bytes: Uint8Array } | undefined;
}

export interface StreamTapStart {
  proxyId: string;
  listener: string;
  direction: ProxyDirection;
  configVersion: string;
  connectionId: number;
  streamIndex: number;
  /** Its labels are filled in when the request is routed. */
  info: TapRequestInfo;
  requestHeaders: IncomingHttpHeaders;
  /** Labels of the source when the proxy knows it (its own workload, for a sidecar's outbound traffic). */
  sourceMeta: Readonly<Record<string, string>>;
  connection: TapConnection;
  /** When the stream started, by performance.now(). */
  startedAt: number;
}

/** Where the request was routed; the names are "" where it was not (no route, no cluster chosen). */
export interface Routed {
  virtualHost: string;
  route: string;
  cluster: string;
  endpoint: string;
  destinationLabels: Readonly<Record<string, string>>;
  routeLabels: Readonly<Record<string, string>>;
}

export interface StreamEnd {
  responseBytes: number;
  responseFlags: string;
  trailers?: IncomingHttpHeaders;
  grpcStatus?: number;
  /** Set when the stream was reset instead of ending cleanly (HTTP/2 error code; 0 = NO_ERROR/cancel by peer on h1). */
  resetErrorCode?: number;
  /** Upstream attempts after the first (retries and connect failovers). */
  retryAttempts: number;
  /** The endpoint of the last attempt ("" if none). */
  endpoint: string;
}

export interface StreamTap {
  /** Bytes of each body worth capturing (the most any tap on the stream asked for); 0 = none. */
  readonly bodyBytes: number;
  /** Emits RequestInit; false when, labels now known, no tap wants the stream after all. `routed` is read, not kept. */
  requestInit(routed: Routed): boolean;
  responseInit(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders): void;
  /** A chunk of the request body as it was received (counted, and captured up to bodyBytes). */
  requestData(chunk: Buffer | string): void;
  /** A chunk of the response body as it was sent. */
  responseData(chunk: Buffer | string): void;
  responseEnd(end: StreamEnd): void;
}

/** The taps that want a request: `live` and `held` claimed it, `pending` depend on labels not known yet. */
export interface TapSelection {
  live: ActiveTap[];
  held: ActiveTap[];
  pending: ActiveTap[];
}

/**
 * Which active taps want a request of this direction; undefined (allocating nothing) when none does, which
 * is the common case for a tap that matches little.
 */
export function selectTaps(active: readonly ActiveTap[], info: TapRequestInfo, direction: ProxyDirection): TapSelection | undefined {
  let sel: TapSelection | undefined;
  for (const tap of active) {
    if (tap.direction !== ProxyDirection.UNSPECIFIED && tap.direction !== direction) continue;
    const r = tap.matches(info);
    if (r === false) continue;
    if (r === undefined) {
      sel ??= { live: NO_TAPS, held: NO_TAPS, pending: NO_TAPS };
      sel.pending = withTap(sel.pending, tap);
    } else if (tap.claim()) {
      sel ??= { live: NO_TAPS, held: NO_TAPS, pending: NO_TAPS };
      if (tap.outcome) sel.held = withTap(sel.held, tap);
      else sel.live = withTap(sel.live, tap);
    }
  }
  return sel;
}

/** No taps: shared, never added to (withTap copies it first), so a stream with one tap allocates one list. */
const NO_TAPS: ActiveTap[] = [];

function withTap(list: ActiveTap[], tap: ActiveTap): ActiveTap[] {
  if (list === NO_TAPS) return [tap];
  list.push(tap);
  return list;
}

/** Starts reporting a request to the taps that selected it. */
export function startStreamTap(sel: TapSelection, start: StreamTapStart): StreamTap {
  return new TappedStream(sel.live, sel.held, sel.pending, start);
}

const maxBodyBytes = (taps: ActiveTap[], n: number) => {
  for (const t of taps) if (t.bodyBytes > n) n = t.bodyBytes;
  return n;
};

/**
 * A class rather than closures: one is made per tapped request, on the request path, so its methods live
 * on the prototype. `live` taps get each event as it happens; `held` ones (outcome filters) get all three
 * at the end if the stream passes; `pending` ones are decided when the request is routed.
 */
class TappedStream implements StreamTap {
  readonly bodyBytes: number;
  /** When the stream started (performance.now()). */
  private readonly t0: number;
  private tResponse = 0;
  private status = 0;
  private responseHeaders: OutgoingHttpHeaders | IncomingHttpHeaders | undefined;
  private end: StreamEnd | undefined;
  private endAt = 0;
  /** The stream's TapEvent fields 1 to 7: what the bytes were written from, and the bytes. */
  private envelope: { fields: EnvelopeFields; bytes: Uint8Array } | undefined;
  private wantsHeaders = false;
  private wantsBodies = false;
  private done = false;
  private requestBytes = 0;
  private requestBody: BodyCapture | undefined;
  private responseBody: BodyCapture | undefined;

  constructor(
    private live: ActiveTap[],
    private held: ActiveTap[],
    private pending: ActiveTap[],
    private readonly start: StreamTapStart,
  ) {
    this.bodyBytes = maxBodyBytes(pending, maxBodyBytes(held, maxBodyBytes(live, 0)));
    this.t0 = start.startedAt;
  }

  requestInit(routed: Routed): boolean {
    if (this.done) return false;
    const { start } = this;
    const { info } = start;
    info.destinationLabels = routed.destinationLabels;
    info.routeLabels = routed.routeLabels;
    for (const tap of this.pending) {
      if (tap.matches(info) !== true || !tap.claim()) continue;
      if (tap.outcome) this.held = withTap(this.held, tap);
      else this.live = withTap(this.live, tap);
    }
    this.pending = NO_TAPS;
    const { live, held } = this;
    if (live.length === 0 && held.length === 0) {
      this.done = true;
      return false;
    }
    for (const t of live) this.want(t);
    for (const t of held) this.want(t);
    this.envelope = envelopeOf(start, routed);
    if (live.length) this.send(this.requestInitEvent());
    return true;
  }

  responseInit(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders): void {
    if (this.done || this.tResponse) return;
    this.tResponse = performance.now();
    this.status = status;
    this.responseHeaders = headers;
    if (this.live.length) this.send(this.responseInitEvent());
  }

  requestData(chunk: Buffer | string): void {
    if (this.done) return;
    if (this.bodyBytes === 0) this.requestBytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    else (this.requestBody ??= new BodyCapture(this.bodyBytes)).add(chunk);
  }

  responseData(chunk: Buffer | string): void {
    if (this.done || this.bodyBytes === 0) return;
    (this.responseBody ??= new BodyCapture(this.bodyBytes)).add(chunk);
  }

  responseEnd(e: StreamEnd): void {
    if (this.done) return;
    this.done = true;
    this.end = e;
    this.endAt = performance.now();
    // Events are encoded when sent, not kept: a view keeps its whole slab (tap-wire.ts) alive, and a long
    // stream would hold one for its life. Held taps get theirs encoded now, once for all of them.
    let endEvent: TapEventBytes | undefined;
    if (this.live.length) this.send((endEvent = this.responseEndEvent()));
    let reqInitEvent: TapEventBytes | undefined;
    let respInitEvent: TapEventBytes | undefined;
    for (const tap of this.held) {
      const passes = tap.outcome!({
        status: this.status,
        latencyMs: this.endAt - this.t0,
        responseFlags: e.responseFlags,
        grpcStatus: e.grpcStatus,
        reset: e.resetErrorCode !== undefined,
      });
      if (!passes || !tap.commit()) continue;
      tap.emit((reqInitEvent ??= this.requestInitEvent()));
      if (this.tResponse) tap.emit((respInitEvent ??= this.responseInitEvent()));
      tap.emit((endEvent ??= this.responseEndEvent()));
    }
    for (const tap of this.live) tap.release();
    for (const tap of this.held) tap.release();
  }

  /** If any tap on the stream asked for headers or bodies, every tap sees them (one event per phase). */
  private want(t: ActiveTap): void {
    if (t.extractHeaders) this.wantsHeaders = true;
    if (t.bodyBytes > 0) this.wantsBodies = true;
  }

  private send(event: TapEventBytes): void {
    for (const tap of this.live) tap.emit(event);
  }

  private headersOf(h: OutgoingHttpHeaders | IncomingHttpHeaders | undefined): OutgoingHttpHeaders | IncomingHttpHeaders | undefined {
    return this.wantsHeaders ? h : undefined;
  }

  private requestInitEvent(): TapEventBytes {
    const { info, connectionId, streamIndex } = this.start;
    return encodeRequestInit(
      this.envelope!.bytes,
      connectionId,
      streamIndex,
      info.method,
      info.scheme === "https" ? Scheme.HTTPS : Scheme.HTTP,
      info.authority,
      info.path,
      this.headersOf(this.start.requestHeaders),
    );
  }

  private responseInitEvent(): TapEventBytes {
    const { connectionId, streamIndex } = this.start;
    return encodeResponseInit(this.envelope!.bytes, connectionId, streamIndex, this.tResponse - this.t0, this.status, this.headersOf(this.responseHeaders));
  }

  private responseEndEvent(): TapEventBytes {
    const e = this.end!;
    const { fields, bytes } = this.envelope!;
    // A retry may have answered from another endpoint than the one RequestInit named.
    const env = e.endpoint && e.endpoint !== fields.endpoint ? encodeEnvelope({ ...fields, endpoint: e.endpoint }) : bytes;
    const rq = this.requestBody;
    const rs = this.responseBody;
    return encodeResponseEnd(env, this.start.connectionId, this.start.streamIndex, {
      sinceRequestInitMs: this.endAt - this.t0,
      sinceResponseInitMs: this.tResponse ? this.endAt - this.tResponse : 0,
      responseBytes: e.responseBytes,
      grpcStatus: e.resetErrorCode === undefined ? e.grpcStatus : undefined,
      resetErrorCode: e.resetErrorCode,
      trailers: this.headersOf(e.trailers),
      responseFlags: e.responseFlags,
      retryAttempts: e.retryAttempts,
      requestBytes: rq ? rq.total : this.requestBytes,
      requestBody: this.wantsBodies ? (rq ?? new BodyCapture(this.bodyBytes)).body(headerValue(this.start.requestHeaders, "content-type"), headerValue(this.start.requestHeaders, "content-encoding")) : undefined,
      responseBody: this.wantsBodies ? (rs ?? new BodyCapture(this.bodyBytes)).body(headerValue(this.responseHeaders, "content-type"), headerValue(this.responseHeaders, "content-encoding")) : undefined,
    });
  }
}

/** The connection's last envelope if this stream's is the same, else a new one (which becomes the last). */
function envelopeOf(start: StreamTapStart, r: Routed): { fields: EnvelopeFields; bytes: Uint8Array } {
  const conn = start.connection;
  const last = conn.envelope;
  if (last !== undefined) {
    const f = last.fields;
    if (
      f.endpoint === r.endpoint &&
      f.cluster === r.cluster &&
      f.route === r.route &&
      f.virtualHost === r.virtualHost &&
      f.destinationMeta === r.destinationLabels &&
      f.routeMeta === r.routeLabels &&
      f.sourceMeta === start.sourceMeta &&
      f.configVersion === start.configVersion &&
      f.proxyDirection === start.direction &&
      f.listener === start.listener &&
      f.proxy === start.proxyId
    )
      return last;
  }
  const fields: EnvelopeFields = {
    sourceIp: conn.sourceIp,
    sourcePort: conn.sourcePort,
    sourceMeta: start.sourceMeta,
    destinationIp: conn.destinationIp,
    destinationPort: conn.destinationPort,
    destinationMeta: r.destinationLabels,
    proxyDirection: start.direction,
    routeMeta: r.routeLabels,
    proxy: start.proxyId,
    listener: start.listener,
    virtualHost: r.virtualHost,
    route: r.route,
    cluster: r.cluster,
    endpoint: r.endpoint,
    configVersion: start.configVersion,
  };
  return (conn.envelope = { fields, bytes: new Uint8Array(encodeEnvelope(fields)) });
}

/** A header's (first) value, "" when absent. */
function headerValue(h: OutgoingHttpHeaders | IncomingHttpHeaders | undefined, name: string): string {
  const v = h?.[name];
  return v === undefined ? "" : String(Array.isArray(v) ? v[0] : v);
}
