// An HTTP listener: HTTP/1.1 and h2c on one socket (codec AUTO), feeding a connection manager. Malformed
// HTTP/1.1 gets a precise 400 or 431; HTTP/2 floods and bad frames end only the offending session.
// Connections get ids (for tap stream ids) and are drained on stop().

import type http from "node:http";
import type { Socket } from "node:net";
import type { HcmStats } from "../http/hcm-stats";
import { createDualProtocolServer, type DualHandler } from "./dual-protocol-server";
import type { RunningListener } from "./running-listener";
import type { TrackedSocket } from "./tracked-socket";

export interface HttpListenerOptions {
  name: string;
  host: string;
  port: number;
  stats: HcmStats;
  onRequest: DualHandler;
  onUpgrade: (req: http.IncomingMessage, socket: Socket, head: Buffer) => void;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  gate(socket: Socket, proceed: () => void): void;
}

export type HttpListener = RunningListener;

let nextConnectionId = 0;

/** Envoy's header limits: 60 KiB of headers, 100 of them. */
const MAX_HEADER_BYTES = 60 * 1024;
const MAX_HEADERS = 100;

export function createHttpListener(opts: HttpListenerOptions): HttpListener {
  const { stats } = opts;
  const server = createDualProtocolServer({
    handler: opts.onRequest,
    h1: {
      keepAliveTimeout: 60_000,
      headersTimeout: opts.headersTimeoutMs,
      requestTimeout: Math.max(opts.requestTimeoutMs, opts.headersTimeoutMs + 1),
      // How often node enforces those timeouts.
      connectionsCheckingInterval: Math.min(1000, opts.headersTimeoutMs / 2),
      maxHeaderSize: MAX_HEADER_BYTES,
      requireHostHeader: false,
    },
    h2: {
      // Node supports these flood limits; @types/node 20 does not declare them.
      ...({ maxSessionInvalidFrames: 100, maxSessionRejectedStreams: 100 } as object),
      maxHeaderListPairs: MAX_HEADERS,
      settings: { maxConcurrentStreams: 100, maxHeaderListSize: MAX_HEADER_BYTES },
    },
    onUpgrade: opts.onUpgrade,
    idleTimeoutMs: opts.idleTimeoutMs,
    gate: opts.gate,
    onConnection(socket: TrackedSocket) {
      socket.meshConnectionId = ++nextConnectionId >>> 0;
      socket.meshStreamCount = 0;
      // Present from the start, so a tap filling it in later does not change every socket's shape (node's
      // socket code would then see one more map at each property access).
      socket.meshTap = undefined;
      stats.downstream_cx_total.value++;
      stats.downstream_cx_active.value++;
      socket.once("close", () => stats.downstream_cx_active.value--);
    },
    onClientError(err, socket) {
      stats.downstream_cx_protocol_error.value++;
      if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
      const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
      const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
      const body = `bad request: ${err.code ?? "HPE_INVALID"}: ${err.message}\n`;
      const status = tooLarge ? "431 Request Header Fields Too Large" : timeout ? "408 Request Timeout" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    },
    onSessionError() {
      stats.downstream_cx_protocol_error.value++;
    },
  });
  return {
    name: opts.name,
    start: () => server.listen(opts.port, opts.host),
    address: () => server.address(),
    stop: (graceMs) => server.stop(graceMs),
  };
}
