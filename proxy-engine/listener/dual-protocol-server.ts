// One TCP port serving HTTP/1.1 and HTTP/2 with prior knowledge (h2c), told apart per connection by the
// first bytes (Envoy's codec_type AUTO). Used by the proxy's listeners and by the dashboard's front door.
// stop() refuses new connections, lets in-flight requests finish, closes keep-alive connections as they go
// idle, sends GOAWAY on HTTP/2 sessions, and forces what is left after the grace period.

import http from "node:http";
import http2 from "node:http2";
import net, { type AddressInfo } from "node:net";
import { sniffProtocol } from "./protocol-sniff";

export type DualHandler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

export interface DualProtocolOptions {
  handler: DualHandler;
  h1?: http.ServerOptions;
  h2?: http2.ServerOptions;
  /** Called for each accepted TCP connection before protocol detection. */
  onConnection?(socket: net.Socket): void;
  /** Network filters: may hold or close a new connection; HTTP starts when it calls proceed(). */
  gate?(socket: net.Socket, proceed: () => void): void;
  onUpgrade?(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void;
  /** Malformed HTTP/1.1; the default answers 400 and closes. */
  onClientError?(err: NodeJS.ErrnoException, socket: net.Socket): void;
  /** HTTP/2 session-level errors (bad frames, floods); the session is already being torn down. */
  onSessionError?(err: Error): void;
  /**
   * Closes HTTP/2 sessions idle this long. It also ends sessions nghttp2 has given up on after a protocol
   * error: node sends GOAWAY for those but neither closes the socket nor tells JavaScript.
   */
  idleTimeoutMs?: number;
}

export interface DualProtocolServer {
  listen(port: number, host: string): Promise<AddressInfo>;
  address(): AddressInfo | undefined;
  stop(graceMs: number): Promise<void>;
}

export function createDualProtocolServer(opts: DualProtocolOptions): DualProtocolServer {
  const h1 = http.createServer(opts.h1 ?? {}, opts.handler);
  // node tracks connections (header and request timeouts, idle detection) only once a server emits
  // 'listening'; this one never listens itself, since its sockets arrive through emit("connection").
  h1.emit("listening");
  const h2 = http2.createServer(opts.h2 ?? {}, opts.handler);
  if (opts.onUpgrade) h1.on("upgrade", opts.onUpgrade);
  if (opts.onClientError) h1.on("clientError", opts.onClientError);
  h2.on("sessionError", (e) => opts.onSessionError?.(e));
  if (opts.idleTimeoutMs) h2.setTimeout(opts.idleTimeoutMs);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  const sniffing = new Set<net.Socket>();
  // Requests in flight per HTTP/1 socket. node's own idle tracking only covers sockets a server accepted
  // itself, and these arrive through emit("connection"), so draining keeps its own count.
  const inFlight = new Map<net.Socket, number>();
  let closing = false;
  h2.on("session", (s) => {
    sessions.add(s);
    // Idle sessions are closed, including ones nghttp2 abandoned after a protocol error: it sends GOAWAY
    // for those but neither closes the socket nor tells JavaScript. (node destroys timed-out sessions only
    // when the server has no 'timeout' listener; this makes it unconditional.)
    s.on("timeout", () => s.destroy());
    s.once("close", () => sessions.delete(s));
    if (closing) s.close();
  });
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const sock = req.socket;
    inFlight.set(sock, (inFlight.get(sock) ?? 0) + 1);
    if (closing) res.setHeader("connection", "close");
    res.once("close", () => {
      const n = (inFlight.get(sock) ?? 1) - 1;
      inFlight.set(sock, n);
      if (closing && n === 0) sock.end();
    });
  });
  // noDelay as node's own HTTP servers set it: without it, a response written as headers then body waits on
  // Nagle and delayed ACKs (tens of milliseconds per request).
  const tcp = net.createServer({ noDelay: true, keepAlive: true }, (socket) => {
    sockets.add(socket);
    sniffing.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      sniffing.delete(socket);
      inFlight.delete(socket);
    });
    opts.onConnection?.(socket);
    if (opts.gate) opts.gate(socket, () => startHttp(socket));
    else startHttp(socket);
  });
  const startHttp = (socket: net.Socket) => {
    if (socket.destroyed) return;
    sniffProtocol(socket, 30_000, (protocol, head) => {
      sniffing.delete(socket);
      if (protocol === "h2") {
        // Http2Session drains bytes already buffered on the socket before it reads the handle itself.
        socket.unshift(head);
        h2.emit("connection", socket);
        return;
      }
      // The HTTP/1 server's parser reads the handle directly once it owns the socket, so unshifted bytes
      // would never reach it; replaying them as a 'data' event does.
      inFlight.set(socket, 0);
      h1.emit("connection", socket);
      socket.emit("data", head);
      socket.resume();
    });
  };
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, host, () => {
          tcp.off("error", reject);
          resolve(tcp.address() as AddressInfo);
        });
      });
    },
    address() {
      return (tcp.address() as AddressInfo | null) ?? undefined;
    },
    stop(graceMs) {
      return new Promise((resolve) => {
        if (!tcp.listening) return resolve();
        closing = true;
        const force = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs);
        for (const s of sessions) s.close();
        for (const sock of sniffing) sock.destroy(); // nothing was started on these
        for (const [sock, n] of inFlight) if (n === 0) sock.end();
        // The tcp server still counts the sockets it handed to h1/h2, so this waits for every connection.
        tcp.close(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
