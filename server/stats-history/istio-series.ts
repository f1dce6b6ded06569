// Istio's standard metrics as sampler series: istio_requests_total and istio_request_duration_milliseconds
// reported by the destination (the service's own sidecars), one series per destination service, so the
// Overview's golden signals per service read the same numbers Prometheus would scrape.

import type { IstioMetrics } from "../../proxy-engine";
import type { ClusterRef, SeriesReading } from "./cluster-stats-sampler";

/** Stands where a proxy id would in a ClusterRef; the "cluster" is the destination service's hostname. */
export const ISTIO_SOURCE = "istio_requests_total{reporter=destination}";

export function istioSeries(metrics: IstioMetrics): { source: string; readings: SeriesReading[] }[] {
  const readings: SeriesReading[] = [];
  for (const s of metrics.snapshot()) {
    if (s.reporter !== "destination" || !s.destinationService || s.destinationService === "unknown") continue;
    readings.push({ name: s.destinationService, requests: s.requests, errors: s.errors, histogram: { count: s.requests, counts: s.durationCounts } });
  }
  return [{ source: ISTIO_SOURCE, readings }];
}

export function istioRef(hostname: string): ClusterRef {
  return { proxy: ISTIO_SOURCE, cluster: hostname };
}
