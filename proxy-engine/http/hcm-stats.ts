// Downstream stats of one HTTP connection manager (Envoy's `http.<stat_prefix>.*`).

import type { Counter, Gauge, Histogram, StatsStore } from "../stats/stats-store";

export interface HcmStats {
  downstream_cx_total: Counter;
  downstream_cx_active: Gauge;
  downstream_cx_protocol_error: Counter;
  downstream_rq_total: Counter;
  downstream_rq_active: Gauge;
  downstream_rq_1xx: Counter;
  downstream_rq_2xx: Counter;
  downstream_rq_3xx: Counter;
  downstream_rq_4xx: Counter;
  downstream_rq_5xx: Counter;
  downstream_rq_rx_reset: Counter;
  no_route: Counter;
  downstream_rq_time: Histogram;
}

export function createHcmStats(store: StatsStore, statPrefix: string): HcmStats {
  const c = (n: string) => store.counter(`http.${statPrefix}.${n}`);
  const g = (n: string) => store.gauge(`http.${statPrefix}.${n}`);
  return {
    downstream_cx_total: c("downstream_cx_total"),
    downstream_cx_active: g("downstream_cx_active"),
    downstream_cx_protocol_error: c("downstream_cx_protocol_error"),
    downstream_rq_total: c("downstream_rq_total"),
    downstream_rq_active: g("downstream_rq_active"),
    downstream_rq_1xx: c("downstream_rq_1xx"),
    downstream_rq_2xx: c("downstream_rq_2xx"),
    downstream_rq_3xx: c("downstream_rq_3xx"),
    downstream_rq_4xx: c("downstream_rq_4xx"),
    downstream_rq_5xx: c("downstream_rq_5xx"),
    downstream_rq_rx_reset: c("downstream_rq_rx_reset"),
    no_route: c("no_route"),
    downstream_rq_time: store.histogram(`http.${statPrefix}.downstream_rq_time`),
  };
}

export function recordResponseStatus(stats: HcmStats, status: number): void {
  if (status >= 500) stats.downstream_rq_5xx.value++;
  else if (status >= 400) stats.downstream_rq_4xx.value++;
  else if (status >= 300) stats.downstream_rq_3xx.value++;
  else if (status >= 200) stats.downstream_rq_2xx.value++;
  else stats.downstream_rq_1xx.value++;
}
