// Tap event messages built as object literals, shaped exactly as protobuf-es's create() makes them (same
// fields, same defaults, unset message fields absent) but without its reflection: a tapped request builds
// three events, on the request path. tap-event.test.ts checks each builder against create().

import type { Duration } from "@bufbuild/protobuf/wkt";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type {
  Header,
  Headers,
  ProxyDirection,
  RouteContext,
  Scheme,
  StreamId,
  TapEvent,
  TapEvent_RequestInit,
  TapEvent_ResponseEnd,
  TapEvent_ResponseInit,
  TcpAddress,
} from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { isSecretHeader, REDACTED } from "./redact";

/** What the three events of a stream share (the same objects, by reference, in each). */
export interface TapEnvelope {
  source: TcpAddress;
  sourceMeta: { [key: string]: string };
  destination: TcpAddress;
  destinationMeta: { [key: string]: string };
  proxyDirection: ProxyDirection;
  routeMeta: { [key: string]: string };
  routeContext: RouteContext;
}

export function tcpAddress(ip: string, port: number): TcpAddress {
  return { $typeName: "meshdash.tap.v1.TcpAddress", ip, port };
}

export function streamId(base: number, stream: bigint): StreamId {
  return { $typeName: "meshdash.tap.v1.StreamId", base, stream };
}

export function routeContext(proxy: string, listener: string, virtualHost: string, route: string, cluster: string, endpoint: string, configVersion: string): RouteContext {
  return { $typeName: "meshdash.tap.v1.RouteContext", proxy, listener, virtualHost, route, cluster, endpoint, configVersion };
}

/** Fractional milliseconds to a Duration with whole nanoseconds (protobuf-es's helper keeps fractions). */
export function msToDuration(ms: number): Duration {
  const totalNanos = Math.max(0, Math.round(ms * 1e6));
  const seconds = Math.floor(totalNanos / 1e9);
  return { $typeName: "google.protobuf.Duration", seconds: BigInt(seconds), nanos: totalNanos - seconds * 1e9 };
}

/** Node headers as a Headers message, one Header per value, secrets redacted: one pass, no intermediate arrays. */
export function headersMessage(headers: IncomingHttpHeaders | OutgoingHttpHeaders): Headers {
  const list: Header[] = [];
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    if (v === undefined) continue;
    const secret = isSecretHeader(name);
    if (Array.isArray(v)) for (const value of v) list.push({ $typeName: "meshdash.tap.v1.Header", name, value: secret ? REDACTED : value });
    else list.push({ $typeName: "meshdash.tap.v1.Header", name, value: secret ? REDACTED : String(v) });
  }
  return { $typeName: "meshdash.tap.v1.Headers", headers: list };
}

function event(env: TapEnvelope, routeCtx: RouteContext, e: TapEvent["event"]): TapEvent {
  return {
    $typeName: "meshdash.tap.v1.TapEvent",
    source: env.source,
    sourceMeta: env.sourceMeta,
    destination: env.destination,
    destinationMeta: env.destinationMeta,
    proxyDirection: env.proxyDirection,
    routeMeta: env.routeMeta,
    routeContext: routeCtx,
    event: e,
  };
}

export function requestInitEvent(env: TapEnvelope, id: StreamId, method: string, scheme: Scheme, authority: string, path: string, headers: Headers | undefined): TapEvent {
  const value: TapEvent_RequestInit = { $typeName: "meshdash.tap.v1.TapEvent.RequestInit", id, method, scheme, authority, path };
  if (headers) value.headers = headers;
  return event(env, env.routeContext, { case: "requestInit", value });
}

export function responseInitEvent(env: TapEnvelope, id: StreamId, sinceRequestInit: Duration, httpStatus: number, headers: Headers | undefined): TapEvent {
  const value: TapEvent_ResponseInit = { $typeName: "meshdash.tap.v1.TapEvent.ResponseInit", id, sinceRequestInit, httpStatus };
  if (headers) value.headers = headers;
  return event(env, env.routeContext, { case: "responseInit", value });
}

export type ResponseEndFields = Omit<TapEvent_ResponseEnd, "$typeName" | "$unknown" | "id" | "trailers" | "requestBody" | "responseBody"> &
  Partial<Pick<TapEvent_ResponseEnd, "trailers" | "requestBody" | "responseBody">>;

/** `routeCtx` replaces the envelope's when the answer came from another endpoint (a retry). */
export function responseEndEvent(env: TapEnvelope, routeCtx: RouteContext, id: StreamId, f: ResponseEndFields): TapEvent {
  const value: TapEvent_ResponseEnd = {
    $typeName: "meshdash.tap.v1.TapEvent.ResponseEnd",
    id,
    sinceRequestInit: f.sinceRequestInit,
    sinceResponseInit: f.sinceResponseInit,
    responseBytes: f.responseBytes,
    eos: f.eos,
    responseFlags: f.responseFlags,
    retryAttempts: f.retryAttempts,
    requestBytes: f.requestBytes,
  };
  if (f.trailers) value.trailers = f.trailers;
  if (f.requestBody) value.requestBody = f.requestBody;
  if (f.responseBody) value.responseBody = f.responseBody;
  return event(env, routeCtx, { case: "responseEnd", value });
}
