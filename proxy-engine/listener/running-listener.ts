// What the proxy needs of any bound listener, HTTP or TCP.

import type { AddressInfo } from "node:net";

export interface RunningListener {
  readonly name: string;
  start(): Promise<AddressInfo>;
  address(): AddressInfo | undefined;
  /** Refuses new connections, lets in-flight work finish for up to graceMs, then closes the rest. */
  stop(graceMs: number): Promise<void>;
}
