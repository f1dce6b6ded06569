// Per-request tap: decides which active taps want a request, then emits Linkerd's three events
// (RequestInit, ResponseInit, ResponseEnd) to each, with the routing decision attached.

import { create } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import {
  HeadersSchema,
  ProxyDirection,
  RouteContextSchema,
  Scheme,
  TapEventSchema,
  type TapEvent,
} from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { extractHeaders } from "./redact";
import type { ActiveTap } from "./tap";
import type { TapRequestInfo } from "./tap-request";

export interface StreamTapStart {
  proxyId: string;
  listener: string;
  direction: ProxyDirection;
  configVersion: string;
  connectionId: number;
  streamIndex: number;
  info: TapRequestInfo;
  requestHeaders: IncomingHttpHeaders;
}

export interface RouteDecision {
  virtualHost: string;
  route: string;
  cluster: string;
  endpoint: string;
}

export interface StreamEnd {
  responseBytes: number;
  responseFlags: string;
  trailers?: IncomingHttpHeaders;
  grpcStatus?: number;
  /** Set when the stream was reset instead of ending cleanly (HTTP/2 error code; 0 = NO_ERROR/cancel by peer on h1). */
  resetErrorCode?: number;
}

export interface StreamTap {
  requestInit(route: RouteDecision | undefined): void;
  responseInit(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders): void;
  responseEnd(end: StreamEnd): void;
}

/** Returns a StreamTap when at least one active tap matches and has room under its limit. */
export function beginStreamTap(active: readonly ActiveTap[], start: StreamTapStart): StreamTap | undefined {
  let taps: ActiveTap[] | undefined;
  for (const tap of active) {
    if (tap.matches(start.info) && tap.claim()) (taps ??= []).push(tap);
  }
  if (!taps) return undefined;
  return createStreamTap(taps, start);
}

function createStreamTap(taps: ActiveTap[], start: StreamTapStart): StreamTap {
  const t0 = performance.now();
  let tResponse = t0;
  let ended = false;
  const id = { base: start.connectionId, stream: BigInt(start.streamIndex) };
  const routeContext = create(RouteContextSchema, {
    proxy: start.proxyId,
    listener: start.listener,
    configVersion: start.configVersion,
  });
  const { info } = start;
  const envelope = () => ({
    source: { ip: info.sourceIp, port: info.sourcePort },
    destination: { ip: info.destinationIp, port: info.destinationPort },
    destinationMeta: info.destinationLabels ? { ...info.destinationLabels } : {},
    routeMeta: info.routeLabels ? { ...info.routeLabels } : {},
    proxyDirection: start.direction,
    routeContext,
  });
  const send = (event: TapEvent) => {
    for (const tap of taps) tap.emit(event);
  };
  const headersFor = (tap: ActiveTap | undefined, h: OutgoingHttpHeaders | IncomingHttpHeaders | undefined) =>
    tap?.extractHeaders && h ? create(HeadersSchema, { headers: extractHeaders(h) }) : undefined;
  // One event object per phase is shared by every tap on the stream: if any tap asked for headers,
  // all of them see the (redacted) headers.
  const wantsHeaders = taps.find((t) => t.extractHeaders);

  return {
    requestInit(route) {
      if (route) {
        routeContext.virtualHost = route.virtualHost;
        routeContext.route = route.route;
        routeContext.cluster = route.cluster;
        routeContext.endpoint = route.endpoint;
      }
      send(
        create(TapEventSchema, {
          ...envelope(),
          event: {
            case: "requestInit",
            value: {
              id,
              method: info.method,
              scheme: info.scheme === "https" ? Scheme.HTTPS : Scheme.HTTP,
              authority: info.authority,
              path: info.path,
              headers: headersFor(wantsHeaders, start.requestHeaders),
            },
          },
        }),
      );
    },
    responseInit(status, headers) {
      tResponse = performance.now();
      send(
        create(TapEventSchema, {
          ...envelope(),
          event: {
            case: "responseInit",
            value: {
              id,
              sinceRequestInit: msToDuration(tResponse - t0),
              httpStatus: status,
              headers: headersFor(wantsHeaders, headers),
            },
          },
        }),
      );
    },
    responseEnd(end) {
      if (ended) return;
      ended = true;
      const now = performance.now();
      const eos =
        end.resetErrorCode !== undefined
          ? { case: "resetErrorCode" as const, value: end.resetErrorCode }
          : end.grpcStatus !== undefined
            ? { case: "grpcStatusCode" as const, value: end.grpcStatus }
            : { case: undefined };
      send(
        create(TapEventSchema, {
          ...envelope(),
          event: {
            case: "responseEnd",
            value: {
              id,
              sinceRequestInit: msToDuration(now - t0),
              sinceResponseInit: msToDuration(now - tResponse),
              responseBytes: BigInt(end.responseBytes),
              eos,
              trailers: headersFor(wantsHeaders, end.trailers),
              responseFlags: end.responseFlags,
            },
          },
        }),
      );
      for (const tap of taps) tap.release();
    },
  };
}

/** Fractional milliseconds to a Duration with whole nanoseconds (protobuf-es's helper keeps fractions). */
export function msToDuration(ms: number): Duration {
  const totalNanos = Math.max(0, Math.round(ms * 1e6));
  const seconds = Math.floor(totalNanos / 1e9);
  return create(DurationSchema, { seconds: BigInt(seconds), nanos: totalNanos - seconds * 1e9 });
}
