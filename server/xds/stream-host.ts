// Where the ADS server's streams live: the set of open SotW and delta connections, how one stream is
// served (requests read in the background, queued responses written in order, bookkeeping on end), and
// the two transports it runs on: Connect's handler, or the lean gRPC layer (grpc-stream.ts) that writes
// shared pre-encoded responses without copying them.

import { Code, ConnectError } from "@connectrpc/connect";
import type http2 from "node:http2";
import {
  DeltaDiscoveryRequestSchema,
  DeltaDiscoveryResponseSchema,
  DiscoveryRequestSchema,
  DiscoveryResponseSchema,
} from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createDeltaConnection, type DeltaConnection } from "./delta-stream";
import { openGrpcStream } from "./grpc-stream";
import type { ProxyConnection, XdsContext, XdsLog } from "./proxy-connection";
import { parseDiscoveryRequest } from "./request-decode";
import { createSotwConnection, type SotwConnection } from "./sotw-stream";
import type { XdsMetrics } from "./xds-metrics";

export type Connection = SotwConnection | DeltaConnection;

export const ADS_PATHS = {
  sotw: "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources",
  delta: "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources",
} as const;

/**
 * Requests are read only while fewer responses than this wait to be written: a client that keeps asking
 * (a new subscription, an empty nonce) but does not read would otherwise queue responses without bound.
 * Its requests then wait in HTTP/2 flow control, on its side.
 */
export const MAX_QUEUED_RESPONSES = 8;

export interface StreamHost {
  readonly connections: ReadonlySet<Connection>;
  /** Cuts a connection's stream at the HTTP/2 level (send timeout). */
  cancel(c: Connection): void;
  /** Cuts every stream still open (stop() giving up on clients that stopped reading). */
  cancelAll(): void;
  /** Serves one stream on any transport; `cancel` resets it. The stream lives as long as this. */
  serve<Req, Res>(conn: ProxyConnection<Req, Res>, requests: AsyncIterable<Req>, cancel: () => void): AsyncGenerator<Res>;
  /** Serves an ADS call with the lean gRPC layer. */
  serveRaw(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, protocol: "sotw" | "delta", readMaxBytes: number): void;
}

export function createStreamHost(ctx: XdsContext, deps: { metrics: XdsMetrics; log: XdsLog; stopping: () => boolean }): StreamHost {
  const connections = new Set<Connection>();
  const cancels = new Map<Connection, () => void>();
  const { metrics, log } = deps;

  async function* serve<Req, Res>(conn: ProxyConnection<Req, Res>, requests: AsyncIterable<Req>, cancel: () => void): AsyncGenerator<Res> {
    if (deps.stopping()) throw new ConnectError("xDS server is shutting down", Code.Unavailable);
    const c = conn as unknown as Connection;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      conn.outbound.dispose();
      cancels.delete(c);
      connections.delete(c);
      metrics.connection(-1);
      ctx.changed();
    };
    cancels.set(c, () => {
      cancel();
      finish();
    });
    connections.add(c);
    metrics.connection(1);
    ctx.changed();
    const reader = (async () => {
      for await (const r of requests) {
        conn.handle(r);
        if (conn.outbound.queued >= MAX_QUEUED_RESPONSES) await conn.outbound.room(MAX_QUEUED_RESPONSES);
      }
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

  /** Writes what serve() yields; a write resolves once handed to HTTP/2, which paces the queue. */
  async function pump<Res>(responses: AsyncGenerator<Res>, write: (msg: Res) => Promise<void>, end: (err?: unknown) => void): Promise<void> {
    try {
      for await (const msg of responses) await write(msg);
      end();
    } catch (e) {
      end(e);
    }
  }

  return {
    connections,
    cancel: (c) => cancels.get(c)?.(),
    cancelAll() {
      for (const cancel of [...cancels.values()]) cancel();
    },
    serve,
    serveRaw(req, res, protocol, readMaxBytes) {
      if (protocol === "sotw") {
        const g = openGrpcStream(req, res, { input: DiscoveryRequestSchema, output: DiscoveryResponseSchema, parse: parseDiscoveryRequest }, readMaxBytes);
        void pump(serve(createSotwConnection(ctx), g.requests, g.cancel), g.write, g.end);
      } else {
        const g = openGrpcStream(req, res, { input: DeltaDiscoveryRequestSchema, output: DeltaDiscoveryResponseSchema }, readMaxBytes);
        void pump(serve(createDeltaConnection(ctx), g.requests, g.cancel), g.write, g.end);
      }
    },
  };
}
