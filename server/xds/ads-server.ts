// The ADS server (Istio Pilot's xDS server): envoy.service.discovery.v3.AggregatedDiscoveryService over
// gRPC (h2c) via Connect, SotW and delta streams, throttled pushes, per-proxy sync status and metrics.

import { Code, ConnectError, createContextKey, createContextValues, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { randomBytes } from "node:crypto";
import type http2 from "node:http2";
import { AggregatedDiscoveryService } from "../../proto/gen/envoy/service/discovery/v3/ads_pb";
import { createDeltaConnection, type DeltaConnection } from "./delta-stream";
import { cancelStream, createH2cServer, type H2cServer } from "./h2c-server";
import type { ProxyConnection, XdsContext, XdsLog } from "./proxy-connection";
import { createPushQueue } from "./push-queue";
import { createSotwConnection, type SotwConnection } from "./sotw-stream";
import { createXdsMetrics, type XdsMetricsSnapshot } from "./xds-metrics";
import { XDS_TYPES, type ProxyStatus, type PushRequest, type XdsGenerator, type XdsType } from "./xds-types";

export type { XdsLog, XdsLogLevel } from "./proxy-connection";
export type { XdsMetricsSnapshot } from "./xds-metrics";

export interface AdsServerOptions {
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
  /** Default: warnings and errors to the console. */
  log?: XdsLog;
}

export interface AdsServer {
  /** Resolves with the bound "host:port". */
  start(): Promise<string>;
  /** Ends every stream, closes every HTTP/2 session and the listener. */
  stop(): Promise<void>;
  /** Resolves when every affected proxy's responses were written. */
  push(req: PushRequest): Promise<void>;
  status(): ProxyStatus[];
  /** Called (coalesced) on connect, disconnect, send, ACK and NACK. Returns an unsubscribe function. */
  onStatus(listener: (s: ProxyStatus[]) => void): () => void;
  metrics(): XdsMetricsSnapshot;
  prometheusText(): string;
}

type Connection = SotwConnection | DeltaConnection;

/** How long stop() lets clients close their half of ended streams before cutting the sessions. */
const CLOSE_GRACE_MS = 1000;
const kNodeRequest = createContextKey<http2.Http2ServerRequest | undefined>(undefined, { description: "node request" });

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
  const connections = new Set<Connection>();
  const listeners = new Set<(s: ProxyStatus[]) => void>();
  /** Cuts a stream at the HTTP/2 level (send timeout). */
  const cancels = new Map<Connection, () => void>();
  const sendTimeoutMs = opts.sendTimeoutMs ?? 30_000;
  let notifyTimer: NodeJS.Immediate | undefined;
  let server: H2cServer | undefined;
  let stopping = false;

  const status = (): ProxyStatus[] =>
    [...connections]
      .flatMap((c) => c.status() ?? [])
      .sort((a, b) => (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : a.connectedAt - b.connectedAt));

  const changed = () => {
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
    version: (t) => String(versions.get(t)),
    nonce: () => `${noncePrefix}-${++nonceSeq}`,
    changed,
  };

  /** Reads requests in the background and yields queued responses; the stream lives as long as this. */
  async function* serve<Req, Res>(
    conn: ProxyConnection<Req, Res> & Connection,
    requests: AsyncIterable<Req>,
    hctx: HandlerContext,
  ): AsyncGenerator<Res> {
    if (stopping) throw new ConnectError("xDS server is shutting down", Code.Unavailable);
    const nodeReq = hctx.values.get(kNodeRequest);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      conn.outbound.dispose();
      cancels.delete(conn);
      connections.delete(conn);
      metrics.connection(-1);
      changed();
    };
    cancels.set(conn, () => {
      if (nodeReq) cancelStream(nodeReq, "xDS send timeout");
      finish();
    });
    connections.add(conn);
    metrics.connection(1);
    changed();
    const reader = (async () => {
      for await (const r of requests) conn.handle(r);
    })();
    reader.then(
      () => conn.outbound.close(),
      (e: unknown) => conn.outbound.close(e),
    );
    try {
      for (;;) {
        const item = await conn.outbound.next();
        if (!item) return;
        yield item.msg;
        item.written();
      }
    } catch (e) {
      const err = ConnectError.from(e);
      if (err.code !== Code.Canceled) log("debug", `stream #${conn.id} ended: ${err.message}`);
      throw err;
    } finally {
      finish();
    }
  }

  /** Istio's send timeout: a proxy that does not take its push in time is disconnected, freeing the slot. */
  const withSendTimeout = async (c: Connection, sent: Promise<void>): Promise<void> => {
    if (sendTimeoutMs <= 0) return sent;
    const timer = setTimeout(() => {
      log("warn", `push to ${c.status()?.node.id ?? "?"} (stream #${c.id}) not written within ${sendTimeoutMs}ms; disconnecting it`);
      cancels.get(c)?.();
    }, sendTimeoutMs);
    try {
      await sent;
    } finally {
      clearTimeout(timer);
    }
  };

  const routes = (router: ConnectRouter) =>
    router.service(AggregatedDiscoveryService, {
      streamAggregatedResources: (requests, hctx) => serve(createSotwConnection(ctx), requests, hctx),
      deltaAggregatedResources: (requests, hctx) => serve(createDeltaConnection(ctx), requests, hctx),
    });

  return {
    async start() {
      if (server) throw new Error("ADS server already started");
      stopping = false;
      const adapter = connectNodeAdapter({
        routes,
        readMaxBytes: opts.readMaxBytes ?? 16 << 20,
        contextValues: (req) => createContextValues().set(kNodeRequest, "stream" in req ? req : undefined),
      });
      server = createH2cServer(adapter, log);
      return server.listen(opts.port, host);
    },

    async stop() {
      stopping = true;
      const s = server;
      server = undefined;
      for (const c of connections) c.outbound.close();
      await s?.close(CLOSE_GRACE_MS);
      // Streams pinned by a write that can never finish (a client that stopped reading).
      for (const cancel of [...cancels.values()]) cancel();
    },

    async push(req) {
      const types = XDS_TYPES.filter((t) => req.types.has(t));
      if (types.length === 0) return;
      for (const t of types) versions.set(t, (versions.get(t) ?? 0) + 1);
      const targets = [...connections].filter((c) => c.subscribed(types).length > 0);
      await Promise.all(
        targets.map((c) =>
          queue
            .run(() => (connections.has(c) ? withSendTimeout(c, c.push(types, req.changedAt)) : Promise.resolve()))
            .catch((e: unknown) => log("error", `push (${req.reason}) to stream #${c.id} failed: ${String(e)}`)),
        ),
      );
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
