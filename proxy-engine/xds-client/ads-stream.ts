// One gRPC connection to the control plane and the StreamAggregatedResources bidi streams opened on it,
// one at a time: requests are pushed into a queue the transport drains, responses are read as an
// AsyncIterable. Closing a stream aborts the call; closing the connection tears down the HTTP/2 session.

import net from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { DiscoveryRequest, DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { AggregatedDiscoveryService } from "../../proto/gen/envoy/service/discovery/v3/ads_pb";
import { createAsyncQueue } from "./async-queue";

export interface AdsStream {
  /** Queues a request; a no-op once the stream has ended. */
  send(req: DiscoveryRequest): void;
  readonly alive: boolean;
  /** Ends normally when the server closes the stream; throws a ConnectError when it fails. */
  readonly responses: AsyncIterable<DiscoveryResponse>;
  close(): void;
}

export interface AdsConnection {
  readonly baseUrl: string;
  /** `onOpen` runs when the server's response headers arrive (the stream is established). */
  open(onOpen: () => void): AdsStream;
  close(): void;
}

/**
 * TCP keepalive finds a control plane that vanished without closing the socket. (connect-node's HTTP/2
 * PING keepalive is not used: when its timeout fires while the session is being verified, the session
 * emits an 'error' nobody listens to and the process crashes; a busy event loop trips it too.)
 */
const KEEPALIVE_DELAY_MS = 15_000;

export function createAdsConnection(target: { host: string; port: number }): AdsConnection {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const baseUrl = `http://${host}:${target.port}`;
  const sessions = new Http2SessionManager(baseUrl, {}, {
    createConnection: () => net.connect({ host: target.host, port: target.port, noDelay: true, keepAlive: true, keepAliveInitialDelay: KEEPALIVE_DELAY_MS }),
  });
  const client = createClient(AggregatedDiscoveryService, createGrpcTransport({ baseUrl, sessionManager: sessions }));
  return {
    baseUrl,
    open(onOpen) {
      const requests = createAsyncQueue<DiscoveryRequest>();
      const abort = new AbortController();
      let alive = true;
      const end = () => {
        alive = false;
        requests.close();
      };
      const call = client.streamAggregatedResources(requests, { signal: abort.signal, onHeader: () => alive && onOpen() });
      const responses: AsyncIterable<DiscoveryResponse> = {
        async *[Symbol.asyncIterator]() {
          try {
            yield* call;
          } finally {
            end();
          }
        },
      };
      return {
        send(req) {
          if (alive) requests.push(req);
        },
        get alive() {
          return alive;
        },
        responses,
        close() {
          end();
          abort.abort();
        },
      };
    },
    close() {
      sessions.abort();
    },
  };
}
