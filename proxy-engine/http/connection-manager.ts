// HTTP connection manager (Envoy's HCM): for each downstream request, snapshot the config, pick the virtual
// host and route, attach tap when one is active, and hand off to the router. Also owns the stream's end:
// stats, the DC flag and the tap's ResponseEnd.

import type { IncomingMessage, ServerResponse } from "node:http";
import { ProxyDirection } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { CompiledConfig } from "../config/compile";
import type { TrackedSocket } from "../listener/tracked-socket";
import { findRoute, findVirtualHost } from "../router/route-table";
import type { TapRegistry } from "../tap/registry";
import { beginStreamTap } from "../tap/stream-tap";
import { unmapIpv4 } from "../tap/match";
import { forward } from "../upstream/forward";
import { addFlag, type ActiveStream } from "./active-stream";
import type { HcmStats } from "./hcm-stats";
import { sendLocalReply } from "./local-reply";

export interface ConnectionManagerOptions {
  proxyId: string;
  listenerName: string;
  direction: ProxyDirection;
  getConfig(): CompiledConfig;
  taps: TapRegistry;
  stats: HcmStats;
}

/** HTTP/2 CANCEL, reported as the reset code when the downstream goes away mid-stream. */
const RESET_CANCEL = 8;
/** HTTP/2 INTERNAL_ERROR, reported when the upstream resets mid-response. */
const RESET_INTERNAL = 2;

export function createConnectionManager(opts: ConnectionManagerOptions) {
  const { stats, taps } = opts;

  function onClose(s: ActiveStream): void {
    stats.downstream_rq_active.value--;
    if (!s.res.writableFinished) {
      if (!s.responseFlags.includes("UR")) {
        addFlag(s, "DC");
        stats.downstream_rq_rx_reset.value++;
      }
      s.upstream?.destroy();
    }
    if (s.tap) {
      if (!s.requestInitSent) {
        s.requestInitSent = true;
        s.tap.requestInit(undefined);
      }
      const reset = s.res.writableFinished ? undefined : s.responseFlags.includes("UR") ? RESET_INTERNAL : RESET_CANCEL;
      s.tap.responseEnd({
        responseBytes: s.responseBytes,
        responseFlags: s.responseFlags,
        trailers: s.trailers,
        resetErrorCode: reset,
        grpcStatus: grpcStatusOf(s),
      });
    }
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const config = opts.getConfig();
    const listener = config.listenerByName.get(opts.listenerName);
    stats.downstream_rq_total.value++;
    stats.downstream_rq_active.value++;
    const authority = req.headers.host ?? "";
    const virtualHost = listener ? findVirtualHost(listener.routeTable, authority) : undefined;
    const route = virtualHost ? findRoute(virtualHost, req.url ?? "/") : undefined;
    const s: ActiveStream = {
      req,
      res,
      config,
      stats,
      startedAt: performance.now(),
      virtualHost,
      route,
      endpoint: undefined,
      upstream: undefined,
      tap: undefined,
      requestInitSent: false,
      responseFlags: "",
      responseBytes: 0,
      trailers: undefined,
    };
    const sock = req.socket as TrackedSocket;
    const streamIndex = (sock.meshStreamCount = (sock.meshStreamCount ?? 0) + 1);
    // The only cost of tap while nothing taps: this one branch.
    if (taps.active.length !== 0) {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      s.tap = beginStreamTap(taps.active, {
        proxyId: opts.proxyId,
        listener: opts.listenerName,
        direction: opts.direction,
        configVersion: config.version,
        connectionId: sock.meshConnectionId ?? 0,
        streamIndex,
        requestHeaders: req.headers,
        info: {
          method: req.method ?? "GET",
          scheme: "http",
          authority,
          path: q === -1 ? url : url.slice(0, q),
          sourceIp: unmapIpv4(sock.remoteAddress ?? ""),
          sourcePort: sock.remotePort ?? 0,
          destinationIp: unmapIpv4(sock.localAddress ?? ""),
          destinationPort: sock.localPort ?? 0,
          destinationLabels: undefined,
          routeLabels: undefined,
        },
      });
    }
    res.once("close", () => onClose(s));

    if (!route) {
      stats.no_route.value++;
      addFlag(s, "NR");
      const where = virtualHost ? `virtual host "${virtualHost.name}"` : `any virtual host for authority "${authority}"`;
      return sendLocalReply(s, 404, `no route matched ${req.method} ${req.url} in ${where} (listener "${opts.listenerName}")`);
    }
    forward(s, route.cluster);
  };
}

function grpcStatusOf(s: ActiveStream): number | undefined {
  const v = s.trailers?.["grpc-status"];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}
