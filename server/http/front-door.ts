// The dashboard's one port: pages and Connect over HTTP/1.1, gRPC over h2c, told apart per connection by
// the engine's dual-protocol server (the same one its listeners use).

import { createDualProtocolServer, type DualHandler } from "../../proxy-engine";
import type { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FrontDoor {
  listen(port: number, host: string): Promise<AddressInfo>;
  stop(graceMs: number): Promise<void>;
}

export function createFrontDoor(handler: DualHandler): FrontDoor {
  const server = createDualProtocolServer({
    handler(req, res) {
      // An RPC refused before its body was read (over the read limit, a bad content type) would leave the
      // rest of that body on a keep-alive HTTP/1.1 connection and hang the client's next request on it. Such
      // an answer closes the connection instead; the client opens a new one.
      if (!("stream" in req)) {
        const h1 = res as ServerResponse;
        const writeHead = h1.writeHead;
        h1.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
          if (!req.complete && !this.headersSent) this.setHeader("connection", "close");
          return writeHead.apply(this, args);
        } as ServerResponse["writeHead"];
      }
      handler(req, res);
    },
    h1: { keepAliveTimeout: 30_000 },
  });
  return { listen: (port, host) => server.listen(port, host), stop: (graceMs) => server.stop(graceMs) };
}
