// HTTP connection manager (Envoy's HCM): for each downstream request, snapshot the config, pick the virtual
// host and route, attach tap when one is active, and run the route's action (forward through the router,
// redirect, or direct response). Also owns the stream's end: stats, the DC flag and the tap's ResponseEnd.

import type { ProxyDirection } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { CompiledConfig } from "../config/compile";
import type { CompiledHcm } from "../listener/compile-listener";
import type { TrackedSocket } from "../listener/tracked-socket";
import type { MatchInput } from "../router/request-matcher";
import { findRoute, findVirtualHost, PATH_PREFIX, type CompiledRoute, type RedirectAction } from "../router/route-table";
import { forwardRequest, formatContext } from "../router/router";
import type { TapRegistry } from "../tap/registry";
import { addFlag, type ActiveStream } from "./active-stream";
import { authorityOf, isH2, matchInputOf, responseFinished, type DownstreamRequest, type DownstreamResponse } from "./downstream";
import type { AccessLogger } from "./access-log/access-logger";
import type { LogRecord } from "./access-log/access-log-format";
import { runPhase, type FilterContext, type StreamFilter } from "./filters/stream-filter";
import { createTapFilter } from "./filters/tap/tap-filter";
import type { HcmStats } from "./hcm-stats";
import { applyHeaderMutation } from "./header-mutation";
import { sendLocalReply } from "./local-reply";

export interface ConnectionManagerOptions {
  proxyId: string;
  listenerName: string;
  direction: ProxyDirection;
  getConfig(): CompiledConfig;
  taps: TapRegistry;
  stats: HcmStats;
}


export function createConnectionManager(opts: ConnectionManagerOptions) {
  const { stats, taps } = opts;
  const tapFilter = createTapFilter({ proxyId: opts.proxyId, listenerName: opts.listenerName, direction: opts.direction, taps });
  // The filter chain with tap in front, for the streams a tap selected: built once per chain (i.e. per config version).
  const tapped = new WeakMap<readonly StreamFilter[], readonly StreamFilter[]>();
  const withTap = (chain: readonly StreamFilter[]) => {
    let t = tapped.get(chain);
    if (!t) {
      t = [tapFilter, ...chain];
      tapped.set(chain, t);
    }
    return t;
  };

  function onClose(s: ActiveStream): void {
    stats.downstream_rq_active.value--;
    clearTimeout(s.routeTimer);
    const now = performance.now();
    stats.downstream_rq_time.record(now - s.startedAt);
    if (s.cluster) {
      s.cluster.stats.upstream_rq_active.value--;
      if (s.retrying) s.cluster.stats.upstream_rq_retry_active.value--;
    }
    if (s.cluster && s.upstreamStartedAt) s.cluster.stats.upstream_rq_time.record(now - s.upstreamStartedAt);
    const rs = s.route?.stats;
    if (rs) {
      rs.upstream_rq_total.value++;
      const st = s.status;
      if (st >= 500 || st === 0) rs.upstream_rq_5xx.value++;
      else if (st >= 400) rs.upstream_rq_4xx.value++;
      else if (st >= 300) rs.upstream_rq_3xx.value++;
      else rs.upstream_rq_2xx.value++;
      rs.upstream_rq_time.record(now - s.startedAt);
    }
    const finished = responseFinished(s.res);
    if (!finished) {
      if (!s.responseFlags.includes("UR") && !s.responseFlags.includes("UT")) {
        addFlag(s, "DC");
        stats.downstream_rq_rx_reset.value++;
      }
      s.upstream?.destroy();
    }
    for (const f of s.filters) f.onStreamEnd?.(s);
    if (s.accessLogs.length !== 0) writeAccessLogs(s.accessLogs, s, now);
  }

  return function handleRequest(req: DownstreamRequest, res: DownstreamResponse): void {
    const config = opts.getConfig();
    const listener = config.listenerByName.get(opts.listenerName);
    const hcm = listener?.kind === "http" ? listener.hcm : undefined;
    stats.downstream_rq_total.value++;
    stats.downstream_rq_active.value++;
    const input = matchInputOf(req);
    const s: ActiveStream = {
      req,
      res,
      config,
      stats,
      filters: hcm?.filters ?? NO_FILTERS,
      accessLogs: hcm?.accessLogs ?? NO_LOGGERS,
      filterContext: undefined,
      startedAt: performance.now(),
      virtualHost: undefined,
      route: undefined,
      cluster: undefined,
      endpoint: undefined,
      upstream: undefined,
      attempts: 0,
      retrying: false,
      routeTimer: undefined,
      generateRequestId: hcm?.generateRequestId ?? true,
      tap: undefined,
      requestInitSent: false,
      responseFlags: "",
      responseBytes: 0,
      status: 0,
      responseHeaders: undefined,
      upstreamStartedAt: 0,
      trailers: undefined,
      policy: undefined,
    };
    const sock = req.socket as TrackedSocket;
    sock.meshStreamCount = (sock.meshStreamCount ?? 0) + 1;
    res.once("close", () => onClose(s));
    if (req.httpVersionMajor === 0) {
      stats.downstream_cx_protocol_error.value++;
      return sendLocalReply(s, 400, "bad request: HTTP/0.9 is not supported", { connection: "close" });
    }
    // A text request line naming HTTP/2 or later (llhttp parses "HTTP/2.0") is no HTTP/1 request: RFC 9110 §15.6.6.
    if (req.httpVersionMajor > 1 && !isH2(res)) {
      stats.downstream_cx_protocol_error.value++;
      return sendLocalReply(s, 505, `HTTP version not supported: HTTP/${req.httpVersion} over an HTTP/1 connection`, { connection: "close" });
    }
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request means the framing cannot be trusted.
    if (req.httpVersion === "1.0" && req.headers["transfer-encoding"] !== undefined) {
      stats.downstream_cx_protocol_error.value++;
      return sendLocalReply(s, 400, "bad request: Transfer-Encoding is not allowed in HTTP/1.0", { connection: "close" });
    }
    // The only cost of tap while nothing taps: this one branch.
    if (taps.active.length !== 0 && tapFilter.select(s, input)) s.filters = withTap(s.filters);
    const { filters } = s;
    if (filters.length === 0) {
      matchRoute(s, hcm, input);
      return act(s, hcm, input);
    }
    const ctx: FilterContext & { parked?: () => void } = {
      s,
      input,
      reply(status, body, flag, headers) {
        if (flag) addFlag(s, flag);
        sendLocalReply(s, status, body, headers);
      },
      resume() {
        const p = ctx.parked;
        ctx.parked = undefined;
        p?.();
      },
    };
    s.filterContext = ctx;
    runPhase(filters, "beforeRoute", ctx, () => {
      matchRoute(s, hcm, input);
      runPhase(filters, "afterRoute", ctx, () => act(s, hcm, input), () => matchRoute(s, hcm, input));
    });
  };

  /** `hcm` is the listener's connection manager in the config the stream started on. */
  function matchRoute(s: ActiveStream, hcm: CompiledHcm | undefined, input: MatchInput): void {
    const table = hcm?.routeTable;
    s.virtualHost = table ? findVirtualHost(table, input.authority) : undefined;
    s.route = s.virtualHost ? findRoute(s.virtualHost, input) : undefined;
  }

  function act(s: ActiveStream, hcm: CompiledHcm | undefined, input: MatchInput): void {
    const { route, virtualHost } = s;
    if (!route) {
      stats.no_route.value++;
      addFlag(s, "NR");
      if (hcm && !hcm.routeTable) return sendLocalReply(s, 404, `no route: route configuration "${hcm.rdsName ?? ""}" has not been received yet (listener "${opts.listenerName}")`);
      const where = virtualHost ? `virtual host "${virtualHost.name}"` : `any virtual host for authority "${input.authority}"`;
      const url = input.query ? `${input.path}?${input.query}` : input.path;
      return sendLocalReply(s, 404, `no route matched ${input.method} ${url} in ${where} (listener "${opts.listenerName}")`);
    }
    const action = route.action;
    if (action.kind === "forward") return forwardRequest(s, route, action);
    const extra = route.responseHeaders.length ? responseMutations(s, route) : undefined;
    if (action.kind === "direct") return sendLocalReply(s, action.status, action.body, extra);
    sendLocalReply(s, action.status, undefined, { ...extra, location: redirectLocation(action, input, route.pathKind === PATH_PREFIX ? route.pathValue : "") });
  }
}

const NO_FILTERS: readonly StreamFilter[] = [];
const NO_LOGGERS: readonly AccessLogger[] = [];

function writeAccessLogs(loggers: readonly AccessLogger[], s: ActiveStream, now: number): void {
  const { req } = s;
  const sock = req.socket;
  const url = req.url ?? "/";
  const record: LogRecord = {
    startTime: Date.now() - (now - s.startedAt),
    durationMs: now - s.startedAt,
    method: req.method ?? "",
    path: url,
    authority: authorityOf(req),
    protocol: `HTTP/${req.httpVersion}`,
    requestHeaders: req.headers,
    responseHeaders: s.responseHeaders,
    responseCode: s.status,
    responseFlags: s.responseFlags,
    // Request bodies are streamed, not counted; Content-Length is what the client declared.
    bytesReceived: Number(req.headers["content-length"]) || 0,
    bytesSent: s.responseBytes,
    upstreamHost: s.endpoint?.address ?? "",
    upstreamCluster: s.cluster?.name ?? "",
    routeName: s.route?.name ?? "",
    downstreamRemote: `${sock.remoteAddress ?? ""}:${sock.remotePort ?? 0}`,
    downstreamLocal: `${sock.localAddress ?? ""}:${sock.localPort ?? 0}`,
    attempts: s.attempts,
  };
  for (const l of loggers) l.log(record);
}

function responseMutations(s: ActiveStream, route: CompiledRoute): Record<string, string | string[] | number> {
  const out = {};
  const ctx = formatContext(s);
  for (const m of route.responseHeaders) applyHeaderMutation(out, m, ctx);
  return out;
}

export function redirectLocation(a: RedirectAction, input: MatchInput, matchedPrefix: string): string {
  const scheme = a.scheme ?? input.scheme;
  const authority = input.authority;
  const colon = authority.lastIndexOf(":");
  const hostOnly = colon > 0 && !authority.endsWith("]") ? authority.slice(0, colon) : authority;
  const port = a.port !== undefined ? `:${a.port}` : a.host ? "" : colon > 0 ? authority.slice(colon) : "";
  // Switching scheme drops a default port, as Envoy does.
  const keepPort = a.scheme && a.port === undefined ? "" : port;
  const host = a.host ?? hostOnly;
  let path = a.path ?? input.path;
  if (a.prefixRewrite !== undefined && a.path === undefined) path = a.prefixRewrite + input.path.slice(matchedPrefix.length);
  const query = a.stripQuery || !input.query ? "" : `?${input.query}`;
  return `${scheme}://${host}${keepPort}${path}${query}`;
}

