// Test fixture: a real ADS gRPC server (connect-node on node:http2, h2c) on an ephemeral loopback port
// that a test drives by hand: it awaits the client's DiscoveryRequests per stream and sends responses.
// It can be killed (sessions destroyed) and restarted on the same port.

import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { AggregatedDiscoveryService } from "../../proto/gen/envoy/service/discovery/v3/ads_pb";
import { DiscoveryResponseSchema, type DiscoveryRequest, type DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createAsyncQueue } from "./async-queue";
import { TYPE_URLS, type XdsKind } from "./xds-kinds";

export interface AdsTestStream {
  /** Every request received on this stream, in order. */
  readonly log: DiscoveryRequest[];
  /** The oldest request not yet taken (of `kind`, when given); fails after timeoutMs. */
  next(kind?: XdsKind, timeoutMs?: number): Promise<DiscoveryRequest>;
  /** Sends a response; the nonce is generated when omitted. Returns the nonce. */
  send(kind: XdsKind, version: string, resources: Any[], nonce?: string): string;
  sendRaw(resp: DiscoveryResponse): void;
  /** Ends the stream from the server's side with status OK. */
  end(): void;
  /** Resolves when the client's side of the stream ends. */
  readonly ended: Promise<void>;
}

export interface AdsTestServer {
  readonly port: number;
  /** Streams in the order they opened. */
  readonly streams: AdsTestStream[];
  /** The next stream to open (or one already open and not yet taken). */
  nextStream(timeoutMs?: number): Promise<AdsTestStream>;
  /** HTTP/2 connections from clients currently open. */
  openSessions(): number;
  /** Destroys every session and stops listening (a crashed control plane). */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function pack<D extends DescMessage>(schema: D, msg: MessageShape<D>): Any {
  return anyPack(schema, msg);
}

/** Polls `get` until it returns something, or fails after timeoutMs with `what`. */
function waitFor<T>(get: () => T | undefined, what: string, timeoutMs: number, wake: Set<() => void>): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const v = get();
      if (v === undefined) return false;
      cleanup();
      resolve(v);
      return true;
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      wake.delete(check);
    };
    if (!check()) wake.add(check);
  });
}

export async function startAdsTestServer(): Promise<AdsTestServer> {
  const streams: AdsTestStream[] = [];
  let taken = 0;
  const wake = new Set<() => boolean | void>();
  const poke = () => {
    for (const w of [...wake]) w();
  };
  let nonceSeq = 0;

  function openStream(requests: AsyncIterable<DiscoveryRequest>, signal: AbortSignal): AsyncIterable<DiscoveryResponse> {
    const out = createAsyncQueue<DiscoveryResponse>();
    const log: DiscoveryRequest[] = [];
    const unread: DiscoveryRequest[] = [];
    signal.addEventListener("abort", () => out.close(), { once: true });
    const ended = (async () => {
      try {
        for await (const r of requests) {
          log.push(r);
          unread.push(r);
          poke();
        }
      } catch {
        // the client went away
      }
    })();
    streams.push({
      log,
      ended,
      next(kind, timeoutMs = 5000) {
        const take = () => {
          const i = unread.findIndex((r) => !kind || r.typeUrl === TYPE_URLS[kind]);
          return i < 0 ? undefined : unread.splice(i, 1)[0];
        };
        return waitFor(take, `a ${kind ?? "any"} request`, timeoutMs, wake);
      },
      send(kind, version, resources, nonce = `n${++nonceSeq}`) {
        out.push(create(DiscoveryResponseSchema, { typeUrl: TYPE_URLS[kind], versionInfo: version, resources, nonce }));
        return nonce;
      },
      sendRaw: (resp) => out.push(resp),
      end: () => out.close(),
    });
    poke();
    return out;
  }

  const handler = connectNodeAdapter({
    routes: (router) =>
      router.service(AggregatedDiscoveryService, {
        streamAggregatedResources: (requests, ctx) => openStream(requests, ctx.signal),
      }),
  });
  let server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  const track = (s: http2.Http2Server) => s.on("session", (ss) => {
    sessions.add(ss);
    ss.once("close", () => sessions.delete(ss));
  });
  track(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  let up = true;

  async function kill(): Promise<void> {
    if (!up) return;
    up = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sessions) s.destroy();
    await closed;
  }

  return {
    port,
    streams,
    nextStream(timeoutMs = 5000) {
      return waitFor(() => (taken < streams.length ? streams[taken++] : undefined), "an ADS stream", timeoutMs, wake);
    },
    kill,
    openSessions: () => sessions.size,
    async restart() {
      if (up) return;
      server = http2.createServer(handler);
      track(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
      });
      up = true;
    },
    close: kill,
  };
}
