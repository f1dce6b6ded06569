// The dashboard's one port: pages and Connect over HTTP/1.1, gRPC over h2c, told apart per connection.
// stop() refuses new connections, lets in-flight requests finish, closes idle keep-alive connections as they
// go idle, sends GOAWAY on HTTP/2 sessions, and forces what is left after the grace period.

import http from "node:http";
import http2 from "node:http2";
import net, { type AddressInfo } from "node:net";
import { sniffProtocol } from "./protocol-sniff";

type Handler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

export interface FrontDoor {
  listen(port: number, host: string): Promise<AddressInfo>;
  stop(graceMs: number): Promise<void>;
}

export function createFrontDoor(handler: Handler): FrontDoor {
  const h1 = http.createServer({ keepAliveTimeout: 30_000 }, handler);
  const h2 = http2.createServer({}, handler);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  // Requests in flight per HTTP/1 socket. node's own idle tracking only covers sockets a server accepted
  // itself, and these arrive through emit("connection"), so draining keeps its own count.
  const inFlight = new Map<net.Socket, number>();
  const sniffing = new Set<net.Socket>();
  let closing = false;
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
  h2.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
  });
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      sniffing.delete(socket);
    });
    sniffing.add(socket);
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
      socket.once("close", () => inFlight.delete(socket));
      h1.emit("connection", socket);
      socket.emit("data", head);
      socket.resume();
    });
  });
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
    stop(graceMs) {
      return new Promise((resolve) => {
        const force = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs);
        closing = true;
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
