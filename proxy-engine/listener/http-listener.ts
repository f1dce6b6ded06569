// An HTTP/1.1 listener: a real socket server (node's llhttp codec) feeding a connection manager.
// Tracks connections for ids and for draining: stop() refuses new connections, lets in-flight requests
// finish, then closes what is left after the grace period.

import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { HcmStats } from "../http/hcm-stats";
import type { RunningListener } from "./running-listener";
import type { TrackedSocket } from "./tracked-socket";

export interface HttpListenerOptions {
  name: string;
  host: string;
  port: number;
  stats: HcmStats;
  onRequest: http.RequestListener;
  onUpgrade: (req: http.IncomingMessage, socket: Socket, head: Buffer) => void;
}

export type HttpListener = RunningListener;

let nextConnectionId = 0;

export function createHttpListener(opts: HttpListenerOptions): HttpListener {
  const { stats } = opts;
  const server = http.createServer({ keepAliveTimeout: 60_000, headersTimeout: 30_000, requestTimeout: 300_000 }, opts.onRequest);
  server.on("upgrade", opts.onUpgrade);
  server.on("connection", (socket: TrackedSocket) => {
    socket.meshConnectionId = ++nextConnectionId >>> 0;
    socket.meshStreamCount = 0;
    stats.downstream_cx_total.value++;
    stats.downstream_cx_active.value++;
    socket.once("close", () => stats.downstream_cx_active.value--);
  });
  // Malformed HTTP gets a precise 400 (or 431) and the connection is closed; the process carries on.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    stats.downstream_cx_protocol_error.value++;
    if (!socket.writable || err.code === "ECONNRESET") return socket.destroy();
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    const body = `bad request: ${err.code ?? "HPE_INVALID"}: ${err.message}\n`;
    socket.end(
      `HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\n` +
        `content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return {
    name: opts.name,
    start() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(opts.port, opts.host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    address() {
      return (server.address() as AddressInfo | null) ?? undefined;
    },
    stop(graceMs) {
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        // Keep-alive connections become idle as their last response ends; close each as soon as it does.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
