// envoy.filters.network.tcp_proxy: each downstream connection is piped, with backpressure both ways, to an
// endpoint of the listener's cluster (connect failures fail over to the next endpoint).

import type net from "node:net";
import type { CompiledConfig } from "../config/compile";
import { pickCluster } from "../router/router";
import type { Counter, Gauge, StatsStore } from "../stats/stats-store";
import { connectToCluster } from "../upstream/tcp-connect";

export interface TcpProxyStats {
  downstream_cx_total: Counter;
  downstream_cx_active: Gauge;
  upstream_flush_total: Counter;
  downstream_cx_no_route: Counter;
  upstream_cx_connect_fail: Counter;
}

export function createTcpProxyStats(store: StatsStore, statPrefix: string): TcpProxyStats {
  const c = (n: string) => store.counter(`tcp.${statPrefix}.${n}`);
  return {
    downstream_cx_total: c("downstream_cx_total"),
    downstream_cx_active: store.gauge(`tcp.${statPrefix}.downstream_cx_active`),
    upstream_flush_total: c("upstream_flush_total"),
    downstream_cx_no_route: c("downstream_cx_no_route"),
    upstream_cx_connect_fail: c("upstream_cx_connect_fail"),
  };
}

export function createTcpProxyHandler(listenerName: string, getConfig: () => CompiledConfig, stats: TcpProxyStats) {
  return (down: net.Socket): void => {
    stats.downstream_cx_total.value++;
    stats.downstream_cx_active.value++;
    down.once("close", () => stats.downstream_cx_active.value--);
    down.on("error", () => down.destroy());
    const l = getConfig().listenerByName.get(listenerName);
    const name = l?.kind === "tcp" ? pickCluster(l.tcp.target, {}) : undefined;
    const cluster = name ? getConfig().clusters.get(name) : undefined;
    if (!cluster) {
      stats.downstream_cx_no_route.value++;
      return void down.destroy();
    }
    down.pause();
    connectToCluster(cluster, down, true, {
      onConnected: (_up, splice) => splice(),
      onExhausted: () => down.destroy(),
      onConnectFail: () => void stats.upstream_cx_connect_fail.value++,
    });
  };
}
