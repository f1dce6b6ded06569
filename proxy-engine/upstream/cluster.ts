// A compiled cluster: its endpoints, load balancer, pool and stats, ready for the request path.

import type { LoadBalancer } from "../lb/common/load-balancer";
import type { Counter, Gauge, Histogram, StatsStore } from "../stats/stats-store";
import type { H2Sessions } from "./h2-sessions";
import type { ActiveHealthState, HostStats, OutlierState } from "./host-registry";
import type { OutlierDetector } from "../health/outlier-detection";
import type { Http1Pools } from "./pool-registry";

export type { HostStats } from "./host-registry";

/** host:port as Envoy prints it, with IPv6 literals in brackets ("[::1]:80"). */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export type LbPolicyName = "ROUND_ROBIN" | "LEAST_REQUEST" | "RANDOM" | "RING_HASH" | "MAGLEV";

export interface Endpoint {
  host: string;
  port: number;
  /** "host:port", computed once. */
  address: string;
  weight: number;
  locality: { region: string; zone: string; subZone: string };
  /** The locality's load_balancing_weight (locality-weighted balancing). */
  localityWeight: number;
  /** Priority level; 0 is preferred, higher levels take load as lower ones lose health. */
  priority: number;
  /** Envoy's eds health_status name (HEALTHY, UNKNOWN, ...). */
  edsHealth: string;
  /** Shared with every config version of this cluster (see host-registry.ts). */
  stats: HostStats;
  outlier: OutlierState;
  activeHealth: ActiveHealthState;
  /** Excluded by EDS health_status (UNHEALTHY, DRAINING, TIMEOUT): listed, never picked. */
  edsUnhealthy: boolean;
}

export interface ClusterStats {
  upstream_rq_total: Counter;
  upstream_rq_2xx: Counter;
  upstream_rq_3xx: Counter;
  upstream_rq_4xx: Counter;
  upstream_rq_5xx: Counter;
  upstream_rq_timeout: Counter;
  upstream_rq_per_try_timeout: Counter;
  upstream_cx_connect_fail: Counter;
  upstream_rq_retry: Counter;
  upstream_rq_retry_success: Counter;
  upstream_rq_retry_limit_exceeded: Counter;
  upstream_rq_time: Histogram;
  upstream_rq_retry_overflow: Counter;
  lb_healthy_panic: Counter;
  update_failure: Counter;
  membership_healthy: Gauge;
  membership_total: Gauge;
  upstream_rq_pending_overflow: Counter;
  upstream_rq_active: Gauge;
  /** Requests of this cluster currently being retried. */
  upstream_rq_retry_active: Gauge;
  /** The HTTP/1.1 pools' connections (http1-pool.ts). */
  upstream_cx_total: Counter;
  upstream_cx_http1_total: Counter;
  upstream_cx_active: Gauge;
  upstream_cx_connect_timeout: Counter;
  upstream_cx_idle_timeout: Counter;
  upstream_cx_protocol_error: Counter;
  upstream_cx_destroy_local: Counter;
  upstream_cx_destroy_remote: Counter;
  upstream_cx_max_requests: Counter;
  upstream_rq_pending_total: Counter;
  upstream_rq_pending_active: Gauge;
}

/** Envoy's default-priority circuit breaker thresholds (defaults 1024 each). */
export interface CircuitBreakers {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
}

/** Retry admission (Envoy's circuit breaker max_retries, or a retry_budget, which takes precedence). */
export interface RetryLimit {
  maxRetries: number;
  budgetPercent: number | undefined;
  minRetryConcurrency: number;
}

/**
 * Whether one more request fits: under max_requests, and (HTTP/1.1 pools run one request per connection)
 * under max_connections plus max_pending_requests waiting for a connection.
 */
export function requestAllowed(c: CompiledCluster): boolean {
  const active = c.stats.upstream_rq_active.value;
  const cb = c.circuitBreakers;
  return active < cb.maxRequests && (c.protocol === "http2" || active < cb.maxConnections + cb.maxPendingRequests);
}

/** Whether one more concurrent retry fits in the cluster's limit right now. */
export function retryAllowed(c: CompiledCluster): boolean {
  const l = c.retryLimit;
  const active = c.stats.upstream_rq_retry_active.value;
  if (l.budgetPercent === undefined) return active < l.maxRetries;
  return active < Math.max(l.minRetryConcurrency, (l.budgetPercent / 100) * c.stats.upstream_rq_active.value);
}

export interface CompiledCluster {
  name: string;
  type: "STATIC" | "EDS" | "STRICT_DNS" | "LOGICAL_DNS";
  lbPolicy: LbPolicyName;
  /** RING_HASH and MAGLEV pick by the request's hash (from the route's hash_policy). */
  hashBased: boolean;
  /** Replaced (never mutated) when DNS answers change the membership. */
  endpoints: readonly Endpoint[];
  /** Settles once the cluster has its first membership (DNS clusters resolve first; others at once). */
  warm(): Promise<void>;
  /** Balances over the hosts not ejected; rebuilt when one is ejected or returns. */
  lb: LoadBalancer<Endpoint>;
  outlier: OutlierDetector | undefined;
  /** Active health checking is configured (hosts show /pending_active_hc until their first check). */
  healthChecked: boolean;
  /** Stops the cluster's timers once a newer config version replaces it. */
  dispose(): void;
  http1: Http1Pools;
  /** Upstream protocol: HTTP/1.1 over `http1`, or HTTP/2 (h2c, prior knowledge) over `h2`. */
  protocol: "http1" | "http2";
  h2: H2Sessions;
  connectTimeoutMs: number;
  retryLimit: RetryLimit;
  circuitBreakers: CircuitBreakers;
  stats: ClusterStats;
}


export function clusterStats(store: StatsStore, cluster: string): ClusterStats {
  const c = (stat: string) => store.counter(`cluster.${cluster}.${stat}`);
  return {
    upstream_rq_total: c("upstream_rq_total"),
    upstream_rq_2xx: c("upstream_rq_2xx"),
    upstream_rq_3xx: c("upstream_rq_3xx"),
    upstream_rq_4xx: c("upstream_rq_4xx"),
    upstream_rq_5xx: c("upstream_rq_5xx"),
    upstream_rq_timeout: c("upstream_rq_timeout"),
    upstream_rq_per_try_timeout: c("upstream_rq_per_try_timeout"),
    upstream_cx_connect_fail: c("upstream_cx_connect_fail"),
    upstream_rq_retry: c("upstream_rq_retry"),
    upstream_rq_retry_success: c("upstream_rq_retry_success"),
    upstream_rq_retry_limit_exceeded: c("upstream_rq_retry_limit_exceeded"),
    upstream_rq_time: store.histogram(`cluster.${cluster}.upstream_rq_time`),
    upstream_rq_retry_overflow: c("upstream_rq_retry_overflow"),
    lb_healthy_panic: c("lb_healthy_panic"),
    update_failure: c("update_failure"),
    membership_healthy: store.gauge(`cluster.${cluster}.membership_healthy`),
    membership_total: store.gauge(`cluster.${cluster}.membership_total`),
    upstream_rq_pending_overflow: c("upstream_rq_pending_overflow"),
    upstream_rq_active: store.gauge(`cluster.${cluster}.upstream_rq_active`),
    upstream_rq_retry_active: store.gauge(`cluster.${cluster}.upstream_rq_retry_active`),
    upstream_cx_total: c("upstream_cx_total"),
    upstream_cx_http1_total: c("upstream_cx_http1_total"),
    upstream_cx_active: store.gauge(`cluster.${cluster}.upstream_cx_active`),
    upstream_cx_connect_timeout: c("upstream_cx_connect_timeout"),
    upstream_cx_idle_timeout: c("upstream_cx_idle_timeout"),
    upstream_cx_protocol_error: c("upstream_cx_protocol_error"),
    upstream_cx_destroy_local: c("upstream_cx_destroy_local"),
    upstream_cx_destroy_remote: c("upstream_cx_destroy_remote"),
    upstream_cx_max_requests: c("upstream_cx_max_requests"),
    upstream_rq_pending_total: c("upstream_rq_pending_total"),
    upstream_rq_pending_active: store.gauge(`cluster.${cluster}.upstream_rq_pending_active`),
  };
}

/**
 * The next host to try that has not failed yet. A hash always names the same host, so once that host
 * failed, later picks go without it; randomised policies may keep drawing failed hosts, so after a few
 * draws every remaining usable host still gets its try.
 */
export function pickUntried(cluster: CompiledCluster, tried: (e: Endpoint) => boolean, hash?: number): Endpoint | undefined {
  const first = cluster.lb.pick(hash);
  if (first && !tried(first)) return first;
  for (let i = 0; i < cluster.endpoints.length * 2; i++) {
    const ep = cluster.lb.pick();
    if (ep && !tried(ep)) return ep;
  }
  return cluster.endpoints.find((e) => !e.edsUnhealthy && !tried(e));
}
