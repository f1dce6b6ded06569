// Tap as a stream filter (Envoy's tap filter, Linkerd's tap semantics): select() runs where BeforeRoute
// would, ahead of the chain, and decides whether any active tap wants the request (or may, once routed) and
// starts watching its body; AfterChooseHost emits RequestInit with the routing decision; OnResponse emits
// ResponseInit and the end of the stream emits ResponseEnd. The connection manager calls select() only
// while a tap is active (so idle tap costs one branch per request), and puts the filter in front of the
// chain only of the streams it selected (so a tap that matches little costs the others no filter phases).

import { ProxyDirection } from "../../../../proto/gen/meshdash/tap/v1/tap_pb";
import { TrafficDirection } from "../../../../proto/gen/envoy/config/core/v3/base_pb";
import type { CompiledConfig } from "../../../config/compile";
import type { CompiledRoute } from "../../../router/route-table";
import type { CompiledCluster } from "../../../upstream/cluster";
import { unmapIpv4 } from "../../../tap/match";
import { clusterLabels, parseProxyId, workloadLabels } from "../../../tap/proxy-identity";
import type { TapRegistry } from "../../../tap/registry";
import { selectTaps, startStreamTap, type Routed, type StreamTap } from "../../../tap/stream-tap";
import type { TapRequestInfo } from "../../../tap/tap-request";
import type { TrackedSocket } from "../../../listener/tracked-socket";
import { requestHasBody, responseFinished, type DownstreamRequest, type DownstreamResponse } from "../../downstream";
import type { ActiveStream } from "../../active-stream";
import type { StreamFilter } from "../stream-filter";
import type { MatchInput } from "../../../router/request-matcher";

/** HTTP/2 CANCEL, reported as the reset code when the downstream goes away mid-stream. */
const RESET_CANCEL = 8;
/** HTTP/2 INTERNAL_ERROR, reported when the upstream resets mid-response. */
const RESET_INTERNAL = 2;

export interface TapFilterOptions {
  proxyId: string;
  listenerName: string;
  /** Direction when the listener says nothing (by the proxy's role: a gateway's traffic is inbound). */
  direction: ProxyDirection;
  taps: TapRegistry;
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The listener's traffic direction: Envoy's Listener.traffic_direction when set, else Istio's listener
 * names (virtualInbound / virtualOutbound), else the proxy's default.
 */
export function listenerDirection(config: CompiledConfig, name: string, fallback: ProxyDirection): ProxyDirection {
  const raw = config.resources.listeners.find((l) => l.name === name);
  if (raw?.trafficDirection === TrafficDirection.INBOUND) return ProxyDirection.INBOUND;
  if (raw?.trafficDirection === TrafficDirection.OUTBOUND) return ProxyDirection.OUTBOUND;
  if (name === "virtualInbound" || name.startsWith("inbound")) return ProxyDirection.INBOUND;
  if (name === "virtualOutbound" || name.startsWith("outbound")) return ProxyDirection.OUTBOUND;
  return fallback;
}

export interface TapFilter extends StreamFilter {
  /** BeforeRoute's work, run before the chain: true (and s.tap set) when some active tap wants the stream. */
  select(s: ActiveStream, input: MatchInput): boolean;
}

export function createTapFilter(opts: TapFilterOptions): TapFilter {
  const identity = parseProxyId(opts.proxyId);
  // Per config version (or cluster, or route): computed on the first tapped request, then looked up.
  const perConfig = new WeakMap<CompiledConfig, { direction: ProxyDirection; self: Readonly<Record<string, string>> }>();
  const clusterMeta = new WeakMap<CompiledCluster, Readonly<Record<string, string>>>();
  const routeMeta = new WeakMap<CompiledRoute, Readonly<Record<string, string>>>();
  let lastConfig: CompiledConfig | undefined;
  let lastInfo = { direction: opts.direction, self: NO_LABELS };
  const configInfo = (config: CompiledConfig) => {
    if (config === lastConfig) return lastInfo;
    let c = perConfig.get(config);
    if (!c) {
      c = { direction: listenerDirection(config, opts.listenerName, opts.direction), self: workloadLabels(identity, config) };
      perConfig.set(config, c);
    }
    lastConfig = config;
    lastInfo = c;
    return c;
  };

  /** Filled in by routed() for requestInit(), which reads it at once: no allocation per request. */
  const scratch: Routed = { virtualHost: "", route: "", cluster: "", endpoint: "", destinationLabels: NO_LABELS, routeLabels: NO_LABELS };

  /** Where the request went: a sidecar's inbound traffic goes to its own workload. */
  const routed = (s: ActiveStream): Routed => {
    const { direction, self } = configInfo(s.config);
    const inboundToSelf = direction === ProxyDirection.INBOUND && identity.type === "sidecar";
    let destination = inboundToSelf ? self : NO_LABELS;
    if (s.cluster) {
      let m = clusterMeta.get(s.cluster);
      if (!m) {
        m = inboundToSelf ? { ...clusterLabels(s.cluster.name), ...self } : clusterLabels(s.cluster.name);
        clusterMeta.set(s.cluster, m);
      }
      destination = m;
    }
    let route = NO_LABELS;
    if (s.route) {
      let m = routeMeta.get(s.route);
      if (!m) {
        m = { route: s.route.name, virtual_host: s.route.virtualHost };
        routeMeta.set(s.route, m);
      }
      route = m;
    } else if (s.virtualHost) route = { virtual_host: s.virtualHost.name };
    // Names only once a cluster is chosen (no route, direct response, redirect: none).
    const c = s.cluster;
    scratch.virtualHost = c ? (s.virtualHost?.name ?? "") : "";
    scratch.route = c ? (s.route?.name ?? "") : "";
    scratch.cluster = c ? c.name : "";
    scratch.endpoint = c ? (s.endpoint?.address ?? "") : "";
    scratch.destinationLabels = destination;
    scratch.routeLabels = route;
    return scratch;
  };

  const ensureRequestInit = (s: ActiveStream): void => {
    if (s.tap && !s.requestInitSent) {
      s.requestInitSent = true;
      // Labels are known now; a tap that needed them may decline, and then nothing watches the stream.
      if (!s.tap.requestInit(routed(s))) s.tap = undefined;
    }
  };

  return {
    name: "meshdash.filters.http.tap",
    select(s, input) {
      const sock = s.req.socket as TrackedSocket;
      const { direction, self } = configInfo(s.config);
      const conn = (sock.meshTap ??= {
        sourceIp: unmapIpv4(sock.remoteAddress ?? ""),
        sourcePort: sock.remotePort ?? 0,
        destinationIp: unmapIpv4(sock.localAddress ?? ""),
        destinationPort: sock.localPort ?? 0,
        envelope: undefined,
      });
      const info: TapRequestInfo = {
        method: input.method,
        scheme: input.scheme === "https" ? "https" : "http",
        authority: input.authority,
        path: input.path,
        sourceIp: conn.sourceIp,
        sourcePort: conn.sourcePort,
        destinationIp: conn.destinationIp,
        destinationPort: conn.destinationPort,
        destinationLabels: undefined,
        routeLabels: undefined,
      };
      const sel = selectTaps(opts.taps.active, info, direction);
      if (!sel) return false;
      const tap = startStreamTap(sel, {
        proxyId: opts.proxyId,
        listener: opts.listenerName,
        direction,
        configVersion: s.config.version,
        connectionId: sock.meshConnectionId ?? 0,
        streamIndex: sock.meshStreamCount ?? 0,
        requestHeaders: s.req.headers,
        sourceMeta: direction === ProxyDirection.OUTBOUND ? self : NO_LABELS,
        info,
        connection: conn,
        startedAt: s.startedAt,
      });
      s.tap = tap;
      // Synchronous with the request event, so no body chunk has been pushed yet.
      if (requestHasBody(s.req)) observeRequestBody(s.req, tap);
      if (tap.bodyBytes > 0) observeLocalReplyBody(s.res, tap);
      return true;
    },
    afterChooseHost({ s }) {
      ensureRequestInit(s);
      return "continue";
    },
    onResponseHeaders(s, status, headers) {
      ensureRequestInit(s);
      s.tap?.responseInit(status, headers);
    },
    onStreamEnd(s) {
      ensureRequestInit(s);
      if (!s.tap) return;
      const finished = responseFinished(s.res);
      const reset = finished ? undefined : s.responseFlags.includes("DC") ? RESET_CANCEL : RESET_INTERNAL;
      s.tap.responseEnd({
        responseBytes: s.responseBytes,
        responseFlags: s.responseFlags,
        trailers: s.trailers,
        resetErrorCode: reset,
        grpcStatus: grpcStatusOf(s),
        retryAttempts: Math.max(0, s.attempts - 1),
        endpoint: s.endpoint?.address ?? "",
      });
    },
  };
}

function grpcStatusOf(s: ActiveStream): number | undefined {
  const v = s.trailers?.["grpc-status"] ?? s.responseHeaders?.["grpc-status"];
  if (v === undefined) return undefined;
  const n = Number(v);
  // ResponseEnd.grpc_status_code is a uint32: an upstream's "-1" or "1e30" is no status (and would not encode).
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : undefined;
}

/**
 * Sees each request body chunk as the codec pushes it into the request stream (node's HTTP/1.1 parser and
 * HTTP/2 compat layer both call req.push), then passes it on untouched: whoever reads the body (the
 * upstream request) gets exactly the same bytes, at the same pace.
 */
function observeRequestBody(req: DownstreamRequest, tap: StreamTap): void {
  const push = req.push;
  req.push = function (this: DownstreamRequest, chunk: unknown, encoding?: BufferEncoding) {
    if (typeof chunk === "string" || chunk instanceof Uint8Array) tap.requestData(typeof chunk === "string" ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    return push.call(this, chunk, encoding);
  };
}

/** A local reply (404 no route, 503, direct response) writes its whole body with res.end(body). */
function observeLocalReplyBody(res: DownstreamResponse, tap: StreamTap): void {
  const w = res as unknown as { end: (...args: unknown[]) => unknown };
  const end = w.end;
  w.end = function (this: unknown, ...args: unknown[]) {
    const chunk = args[0];
    if (typeof chunk === "string" || Buffer.isBuffer(chunk)) tap.responseData(chunk);
    return end.apply(this, args);
  };
}
