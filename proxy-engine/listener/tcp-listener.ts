// A raw TCP listener (for tcp_proxy): accepts connections and hands them to a handler; stop() refuses new
// connections and closes the rest after the grace period.

import net, { type AddressInfo } from "node:net";
import type { RunningListener } from "./running-listener";

export function createTcpListener(name: string, host: string, port: number, onConnection: (s: net.Socket) => void, gate?: (s: net.Socket, proceed: () => void) => void): RunningListener {
  const sockets = new Set<net.Socket>();
  // Half-open: a client that shuts down its sending side still gets the rest of the response.
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    if (gate) gate(s, () => onConnection(s));
    else onConnection(s);
  });
  return {
    name,
    start: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    address: () => (server.address() as AddressInfo | null) ?? undefined,
    stop: (graceMs) =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
