// Builds ClusterService messages from a proxy's compiled clusters: the cluster row (settings, endpoint
// health, traffic), each endpoint with its health flags exactly as Envoy's /clusters prints them, and
// the sampler's traffic summaries.

import { healthFlags, type ClusterEndpoint, type CompiledCluster } from "../../proxy-engine";
import type { Cluster, Endpoint, StatsPoint, Traffic } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import type { TrafficPoint, TrafficSummary } from "../stats-history/traffic-summary";

type Plain<T> = Omit<T, "$typeName">;

const isEjected = (ep: ClusterEndpoint, now: number) => ep.outlier.ejectedUntil > now;

/** Whether the load balancer may pick the endpoint (as compile-cluster's rebuild decides). */
export function endpointHealthy(ep: ClusterEndpoint, now: number): boolean {
  return !ep.edsUnhealthy && !isEjected(ep, now) && !ep.activeHealth.failed;
}

export function trafficMessage(t: TrafficSummary): Traffic {
  return { $typeName: "meshdash.cluster.v1.Traffic", requests: BigInt(t.requests), rps: t.rps, errorRate: t.errorRate, p50Ms: t.p50Ms, p90Ms: t.p90Ms, p99Ms: t.p99Ms };
}

export function pointMessage(p: TrafficPoint): StatsPoint {
  return { $typeName: "meshdash.cluster.v1.StatsPoint", timeMs: BigInt(Math.round(p.timeMs)), traffic: trafficMessage(p.traffic) };
}

const u32 = (n: number) => Math.min(Math.max(0, Math.trunc(n)), 4_294_967_295);

export function clusterMessage(proxy: string, c: CompiledCluster, traffic: TrafficSummary, now: number): Plain<Cluster> {
  let healthy = 0;
  for (const ep of c.endpoints) if (endpointHealthy(ep, now)) healthy++;
  return {
    proxy,
    name: c.name,
    type: c.type,
    lbPolicy: c.lbPolicy,
    circuitBreakers: {
      $typeName: "meshdash.cluster.v1.CircuitBreakers",
      maxConnections: u32(c.circuitBreakers.maxConnections),
      maxPendingRequests: u32(c.circuitBreakers.maxPendingRequests),
      maxRequests: u32(c.circuitBreakers.maxRequests),
      maxRetries: u32(c.retryLimit.maxRetries),
      retryBudgetPercent: c.retryLimit.budgetPercent,
    },
    healthyEndpoints: healthy,
    totalEndpoints: c.endpoints.length,
    // Unset for an idle cluster: most of a big mesh is idle, and every byte of a 10,000-row list counts.
    traffic: traffic.requests > 0 ? trafficMessage(traffic) : undefined,
    activeRequests: u32(c.stats.upstream_rq_active.value),
    outlierDetection: c.outlier !== undefined,
    healthChecks: c.healthChecked,
    protocol: c.protocol === "http2" ? "HTTP2" : "HTTP1",
  };
}

export function endpointMessage(c: CompiledCluster, ep: ClusterEndpoint, now: number): Plain<Endpoint> {
  const st = ep.stats;
  const o = ep.outlier;
  const finished = st.rq_success + st.rq_error;
  const ejected = isEjected(ep, now);
  return {
    address: ep.address,
    locality: { $typeName: "meshdash.registry.v1.Locality", region: ep.locality.region, zone: ep.locality.zone, subZone: ep.locality.subZone },
    weight: ep.weight,
    priority: ep.priority,
    healthFlags: healthFlags(ep, c.healthChecked, now),
    healthy: endpointHealthy(ep, now),
    // Envoy's /clusters JSON reports UNKNOWN as HEALTHY.
    edsHealthStatus: ep.edsHealth === "UNKNOWN" ? "HEALTHY" : ep.edsHealth,
    activeRequests: BigInt(Math.max(0, st.rq_active)),
    totalRequests: BigInt(st.rq_total),
    successRequests: BigInt(st.rq_success),
    errorRequests: BigInt(st.rq_error),
    successRate: finished > 0 ? st.rq_success / finished : undefined,
    connectFailures: BigInt(st.cx_connect_fail),
    activeConnections: BigInt(Math.max(0, st.cx_active)),
    totalConnections: BigInt(st.cx_total),
    ejection: {
      $typeName: "meshdash.cluster.v1.Ejection",
      ejected,
      ejectedUntilMs: BigInt(ejected ? o.ejectedUntil : 0),
      ejections: o.ejections,
      consecutive5xx: o.consecutive5xx,
      consecutiveGatewayFailures: o.consecutiveGatewayFailure,
      consecutiveLocalOriginFailures: o.consecutiveLocalOriginFailure,
    },
  };
}
