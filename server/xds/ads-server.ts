// The ADS server (Istio Pilot's xDS server): envoy.service.discovery.v3.AggregatedDiscoveryService over
// gRPC (h2c) via Connect (or, with uncompressed responses, a lean gRPC layer for plain gRPC calls), SotW
// and delta streams, throttled pushes, per-proxy sync status and metrics.

import { Code, createContextKey, createContextValues, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { randomBytes } from "node:crypto";
import type http2 from "node:http2";
import { AggregatedDiscoveryService } from "../../proto/gen/envoy/service/discovery/v3/ads_pb";
import { bearerMatches } from "../../proxy-engine";
import { createDeltaConnection } from "./delta-stream";
import { isPlainGrpc } from "./grpc-stream";
import { cancelStream, createH2cServer, type H2cServer, type Keepalive } from "./h2c-server";
import type { XdsContext, XdsLog } from "./proxy-connection";
import { createPushQueue } from "./push-queue";
import { createSotwConnection } from "./sotw-stream";
import { ADS_PATHS, createStreamHost, type Connection } from "./stream-host";
import { createXdsMetrics, type XdsMetricsSnapshot } from "./xds-metrics";
import { XDS_TYPES, type ProxyStatus, type PushRequest, type XdsGenerator, type XdsType } from "./xds-types";

export type { XdsLog, XdsLogLevel } from "./proxy-connection";
export type { XdsMetricsSnapshot } from "./xds-metrics";

export interface AdsServerOptions {
  /** When set, every call must carry it as "authorization: Bearer <token>" (UNAUTHENTICATED otherwise). */
  token?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  generator: XdsGenerator;
  /** Proxies generated for and written to at once during a push (PILOT_PUSH_THROTTLE); default 100. */
  pushConcurrency?: number;
  /** Largest request message accepted; default 16 MiB. */
  readMaxBytes?: number;
  /** A proxy whose push is not written within this is disconnected (PILOT_XDS_SEND_TIMEOUT); default 30 s, 0 = never. */
  sendTimeoutMs?: number;
  /** HTTP/2 keepalive PINGs (default every 30 s, 10 s to answer, as Istio's); intervalMs 0 = none. */
  keepalive?: Keepalive;
  /**
   * How long push() waits for proxies still being written to; default 1 s. A slow proxy then finishes in
   * the background and later pushes to it merge into one, so it never holds up the others' next push.
   */
  pushWaitMs?: number;
  /**
   * SotW pushes skip a type whose bytes equal what the proxy last ACKed (it keeps its version) and send
   * RDS/EDS resources only when they changed. Default false: every push resends everything, as Istio does.
   */
  skipUnchanged?: boolean;
  /**
   * gzip responses of 1 KiB or more for clients that accept it (Connect's default; default true). The
   * control plane turns this off: on local or datacenter links, deflating every push for every proxy
   * (and inflating it in each proxy) costs far more CPU than the bytes it saves. Without compression,
   * plain gRPC calls are served by grpc-stream.ts, which writes the shared encoded resources as they are.
   */
  compressResponses?: boolean;
  /** Default: warnings and errors to the console. */
  log?: XdsLog;
}

export interface AdsServer {
  /** Resolves with the bound "host:port". */
  start(): Promise<string>;
  /** Ends every stream, closes every HTTP/2 session and the listener. */
  stop(): Promise<void>;
  /**
   * Resolves when every affected proxy's responses were written, or after pushWaitMs for the slow ones.
   * A proxy still being written to when the next push comes gets that push (merged with any later ones)
   * once its current one is written: at most one push in flight and one waiting per proxy.
   */
  push(req: PushRequest): Promise<void>;
  status(): ProxyStatus[];
  /** Called (coalesced) on connect, disconnect, send, ACK and NACK. Returns an unsubscribe function. */
  onStatus(listener: (s: ProxyStatus[]) => void): () => void;
  metrics(): XdsMetricsSnapshot;
  prometheusText(): string;
}

/** How long stop() lets clients close their half of ended streams before cutting the sessions. */
const CLOSE_GRACE_MS = 1000;
/** A compression threshold no message reaches (compressed requests are still accepted). */
const NEVER_COMPRESS = 2 ** 32;
const kNodeRequest = createContextKey<http2.Http2ServerRequest | undefined>(undefined, { description: "node request" });

/** A trailers-only gRPC answer: every gRPC client reads grpc-status from it and gives up with UNAUTHENTICATED. */
function refuseUnauthenticated(res: http2.Http2ServerResponse): void {
  const message = "the xDS server is reachable beyond loopback and needs the access token printed at startup (authorization: Bearer <token>)";
  res.writeHead(200, { "content-type": "application/grpc", "grpc-status": String(Code.Unauthenticated), "grpc-message": encodeURIComponent(message) });
  res.end();
}

const cancelRequest = (req: http2.Http2ServerRequest | undefined) => req && cancelStream(req, "xDS send timeout");

const consoleLog: XdsLog = (level, msg) => {
  if (level === "error") console.error(`[xds] ${msg}`);
  else if (level === "warn") console.warn(`[xds] ${msg}`);
};

export function createAdsServer(opts: AdsServerOptions): AdsServer {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? consoleLog;
  const metrics = createXdsMetrics();
  const queue = createPushQueue(opts.pushConcurrency ?? 100);
  const versions = new Map<XdsType, number>(XDS_TYPES.map((t) => [t, 1]));
  const noncePrefix = randomBytes(4).toString("hex");
  let nonceSeq = 0;
  const listeners = new Set<(s: ProxyStatus[]) => void>();
  const sendTimeoutMs = opts.sendTimeoutMs ?? 30_000;
  const pushWaitMs = opts.pushWaitMs ?? 1000;
  /** Proxies being pushed to, with the push that waits for them (types merged, the earliest change kept). */
  const inFlight = new Map<Connection, { types: Set<XdsType>; changedAt: number; reason: string } | undefined>();
  let notifyTimer: NodeJS.Immediate | undefined;
  let server: H2cServer | undefined;
  let stopping = false;

  /** Rebuilt only after something changed (every change to a stream's state calls changed()). */
  let statusCache: readonly ProxyStatus[] | undefined;
  const status = (): ProxyStatus[] => [
    ...(statusCache ??= [...connections]
      .flatMap((c) => c.status() ?? [])
      .sort((a, b) => (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : a.connectedAt - b.connectedAt))),
  ];

  const changed = () => {
    statusCache = undefined;
    if (notifyTimer || listeners.size === 0) return;
    notifyTimer = setImmediate(() => {
      notifyTimer = undefined;
      const s = status();
      for (const l of listeners) {
        try {
          l(s);
        } catch (e) {
          log("error", `status listener threw: ${String(e)}`);
        }
      }
    });
  };

  const ctx: XdsContext = {
    generator: opts.generator,
    metrics,
    log,
    skipUnchanged: opts.skipUnchanged ?? false,
    version: (t) => String(versions.get(t)),
    nonce: () => `${noncePrefix}-${++nonceSeq}`,
    changed,
  };

  const streams = createStreamHost(ctx, { metrics, log, stopping: () => stopping });
  const connections = streams.connections;

  /**
   * Pushes `types` to one proxy, or, while an earlier push to it is still being written, merges them into
   * the one push that follows it. Resolves when this push was written (or merged).
   */
  const pushTo = (c: Connection, types: readonly XdsType[], changedAt: number, reason: string): Promise<void> => {
    if (inFlight.has(c)) {
      const next = inFlight.get(c);
      if (next) {
        for (const t of types) next.types.add(t);
        next.changedAt = Math.min(next.changedAt, changedAt);
      } else inFlight.set(c, { types: new Set(types), changedAt, reason: `${reason} (merged)` });
      return Promise.resolve();
    }
    inFlight.set(c, undefined);
    return queue
      .run(() => (connections.has(c) ? withSendTimeout(c, c.push(types, changedAt)) : Promise.resolve()))
      .catch((e: unknown) => log("error", `push (${reason}) to stream #${c.id} failed: ${String(e)}`))
      .finally(() => {
        const next = inFlight.get(c);
        inFlight.delete(c);
        if (next && connections.has(c)) void pushTo(c, XDS_TYPES.filter((t) => next.types.has(t)), next.changedAt, next.reason);
      });
  };

  /** Istio's send timeout: a proxy that does not take its push in time is disconnected, freeing the slot. */
  const withSendTimeout = async (c: Connection, sent: Promise<void>): Promise<void> => {
    if (sendTimeoutMs <= 0) return sent;
    const timer = setTimeout(() => {
      log("warn", `push to ${c.status()?.node.id ?? "?"} (stream #${c.id}) not written within ${sendTimeoutMs}ms; disconnecting it`);
      streams.cancel(c);
    }, sendTimeoutMs);
    try {
      await sent;
    } finally {
      clearTimeout(timer);
    }
  };

  const routes = (router: ConnectRouter) =>
    router.service(AggregatedDiscoveryService, {
      streamAggregatedResources: (requests, hctx) => streams.serve(createSotwConnection(ctx), requests, () => cancelRequest(hctx.values.get(kNodeRequest))),
      deltaAggregatedResources: (requests, hctx) => streams.serve(createDeltaConnection(ctx), requests, () => cancelRequest(hctx.values.get(kNodeRequest))),
    });
  const readMaxBytes = opts.readMaxBytes ?? 16 << 20;
  const lean = opts.compressResponses === false;

  return {
    async start() {
      if (server) throw new Error("ADS server already started");
      stopping = false;
      const adapter = connectNodeAdapter({
        routes,
        readMaxBytes,
        ...(lean ? { compressMinBytes: NEVER_COMPRESS } : {}),
        contextValues: (req) => createContextValues().set(kNodeRequest, "stream" in req ? req : undefined),
      });
      server = createH2cServer((req, res) => {
        if (opts.token !== undefined && !bearerMatches(req.headers.authorization, opts.token)) return refuseUnauthenticated(res);
        const protocol = req.url === ADS_PATHS.sotw ? "sotw" : req.url === ADS_PATHS.delta ? "delta" : undefined;
        if (lean && protocol && isPlainGrpc(req)) streams.serveRaw(req, res, protocol, readMaxBytes);
        else adapter(req, res);
      }, log, opts.keepalive);
      return server.listen(opts.port, host);
    },

    async stop() {
      stopping = true;
      const s = server;
      server = undefined;
      for (const c of connections) c.outbound.close();
      await s?.close(CLOSE_GRACE_MS);
      // Streams pinned by a write that can never finish (a client that stopped reading).
      streams.cancelAll();
    },

    async push(req) {
      const types = XDS_TYPES.filter((t) => req.types.has(t));
      if (types.length === 0) return;
      for (const t of types) versions.set(t, (versions.get(t) ?? 0) + 1);
      const targets = [...connections].filter((c) => c.subscribed(types).length > 0);
      const written = Promise.all(targets.map((c) => pushTo(c, types, req.changedAt, req.reason)));
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([written, new Promise<void>((r) => (waited = setTimeout(r, pushWaitMs)))]);
      clearTimeout(waited);
    },

    status,
    onStatus(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    metrics: () => metrics.snapshot(),
    prometheusText: () => metrics.prometheusText(),
  };
}
