// The dashboard's one port: pages and Connect over HTTP/1.1, gRPC over h2c, told apart per connection by
// the engine's dual-protocol server (the same one its listeners use).

import { createDualProtocolServer, type DualHandler } from "../../proxy-engine";
import type { AddressInfo } from "node:net";

export interface FrontDoor {
  listen(port: number, host: string): Promise<AddressInfo>;
  stop(graceMs: number): Promise<void>;
}

export function createFrontDoor(handler: DualHandler): FrontDoor {
  const server = createDualProtocolServer({ handler, h1: { keepAliveTimeout: 30_000 } });
  return { listen: (port, host) => server.listen(port, host), stop: (graceMs) => server.stop(graceMs) };
}
