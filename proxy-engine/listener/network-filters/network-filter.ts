// Network (L4) filters in Envoy's model: each new connection runs the listener's filter chain in order;
// a filter returns "continue" to pass it on, or "stop" to hold it (and later call proceed()) or close it.
// The terminal filter (http_connection_manager or tcp_proxy) gets the connection after the last "continue".

import type net from "node:net";

export type NetworkFilterStatus = "continue" | "stop";

export interface NetworkFilter {
  readonly name: string;
  /** `proceed` resumes the chain after "stop"; a filter that closes the socket never calls it. */
  onNewConnection(socket: net.Socket, proceed: () => void): NetworkFilterStatus;
}

export function runNetworkFilters(filters: readonly NetworkFilter[], socket: net.Socket, done: () => void, from = 0): void {
  for (let i = from; i < filters.length; i++) {
    const status = filters[i]!.onNewConnection(socket, () => runNetworkFilters(filters, socket, done, i + 1));
    if (status === "stop" || socket.destroyed) return;
  }
  done();
}
