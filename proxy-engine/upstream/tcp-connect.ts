// Raw TCP to a cluster (tcp_proxy and HTTP Upgrade passthrough): connect to an untried endpoint within the
// cluster's connect timeout, failing over on connect errors, then splice the two sockets both ways with
// backpressure; either side closing closes the other.

import net from "node:net";
import { pickUntried, type CompiledCluster, type Endpoint } from "./cluster";

export interface TcpConnectHandlers {
  /** The upstream socket is connected; write anything that must go first, then call splice(). */
  onConnected(up: net.Socket, splice: () => void): void;
  /** Every endpoint refused or timed out. */
  onExhausted(): void;
  /** One endpoint refused or timed out (already counted on the cluster and host). */
  onConnectFail?(): void;
}

export function connectToCluster(cluster: CompiledCluster, down: net.Socket, allowHalfOpen: boolean, h: TcpConnectHandlers): void {
  const tried = new Set<Endpoint>();
  const attempt = (): void => {
    const ep = pickUntried(cluster, (e) => tried.has(e));
    if (!ep) return h.onExhausted();
    tried.add(ep);
    const up = net.connect({ host: ep.host, port: ep.port, allowHalfOpen });
    const timer = setTimeout(() => up.destroy(new Error("connect timeout")), cluster.connectTimeoutMs);
    up.once("connect", () => {
      clearTimeout(timer);
      h.onConnected(up, () => {
        up.on("error", () => down.destroy());
        up.on("close", () => down.destroy());
        down.on("close", () => up.destroy());
        down.pipe(up);
        up.pipe(down);
        down.resume();
      });
    });
    up.once("error", () => {
      if (up.remoteAddress) return; // failed after connecting: the splice tears both down
      clearTimeout(timer);
      cluster.stats.upstream_cx_connect_fail.value++;
      ep.stats.cx_connect_fail++;
      h.onConnectFail?.();
      attempt();
    });
  };
  attempt();
}
