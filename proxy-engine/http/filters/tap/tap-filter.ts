// Tap as a stream filter (Envoy's tap filter, Linkerd's tap semantics): BeforeRoute decides whether any
// active tap wants the request, AfterChooseHost emits RequestInit with the routing decision, OnResponse
// emits ResponseInit and the end of the stream emits ResponseEnd. The connection manager puts this filter
// in front of a stream's chain only while a tap is active, so idle tap costs one branch per request.

import type { ProxyDirection } from "../../../../proto/gen/meshdash/tap/v1/tap_pb";
import { unmapIpv4 } from "../../../tap/match";
import type { TapRegistry } from "../../../tap/registry";
import { beginStreamTap } from "../../../tap/stream-tap";
import type { TrackedSocket } from "../../../listener/tracked-socket";
import { responseFinished } from "../../downstream";
import type { ActiveStream } from "../../active-stream";
import type { StreamFilter } from "../stream-filter";

/** HTTP/2 CANCEL, reported as the reset code when the downstream goes away mid-stream. */
const RESET_CANCEL = 8;
/** HTTP/2 INTERNAL_ERROR, reported when the upstream resets mid-response. */
const RESET_INTERNAL = 2;

export interface TapFilterOptions {
  proxyId: string;
  listenerName: string;
  direction: ProxyDirection;
  taps: TapRegistry;
}

function ensureRequestInit(s: ActiveStream): void {
  if (s.tap && !s.requestInitSent) {
    s.requestInitSent = true;
    s.tap.requestInit(s.cluster ? { virtualHost: s.virtualHost?.name ?? "", route: s.route?.name ?? "", cluster: s.cluster.name, endpoint: s.endpoint?.address ?? "" } : undefined);
  }
}

function grpcStatusOf(s: ActiveStream): number | undefined {
  const v = s.trailers?.["grpc-status"];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

export function createTapFilter(opts: TapFilterOptions): StreamFilter {
  return {
    name: "meshdash.filters.http.tap",
    beforeRoute({ s, input }) {
      const sock = s.req.socket as TrackedSocket;
      s.tap = beginStreamTap(opts.taps.active, {
        proxyId: opts.proxyId,
        listener: opts.listenerName,
        direction: opts.direction,
        configVersion: s.config.version,
        connectionId: sock.meshConnectionId ?? 0,
        streamIndex: sock.meshStreamCount ?? 0,
        requestHeaders: s.req.headers,
        info: {
          method: input.method,
          scheme: input.scheme === "https" ? "https" : "http",
          authority: input.authority,
          path: input.path,
          sourceIp: unmapIpv4(sock.remoteAddress ?? ""),
          sourcePort: sock.remotePort ?? 0,
          destinationIp: unmapIpv4(sock.localAddress ?? ""),
          destinationPort: sock.localPort ?? 0,
          destinationLabels: undefined,
          routeLabels: undefined,
        },
      });
      return "continue";
    },
    afterChooseHost({ s }) {
      ensureRequestInit(s);
      return "continue";
    },
    onResponseHeaders(s, status, headers) {
      if (!s.tap) return;
      ensureRequestInit(s);
      s.tap.responseInit(status, headers);
    },
    onStreamEnd(s) {
      if (!s.tap) return;
      ensureRequestInit(s);
      const finished = responseFinished(s.res);
      const reset = finished ? undefined : s.responseFlags.includes("DC") ? RESET_CANCEL : RESET_INTERNAL;
      s.tap.responseEnd({ responseBytes: s.responseBytes, responseFlags: s.responseFlags, trailers: s.trailers, resetErrorCode: reset, grpcStatus: grpcStatusOf(s) });
    },
  };
}
