// Passive health checking (Envoy's outlier detection): consecutive 5xx, consecutive gateway failures
// (502/503/504 and, unless split, connection failures), consecutive local-origin failures, and success
// rate across hosts each interval. An ejection lasts base_ejection_time × the host's ejection count (capped
// by max_ejection_time); max_ejection_percent caps how many hosts are out at once (at least one may be).

import type { OutlierDetection } from "../../proto/gen/envoy/config/cluster/v3/outlier_detection_pb";
import { ConfigError } from "../config/config-error";
import { durationToMs } from "../router/compile-route-config";
import type { Counter, Gauge, StatsStore } from "../stats/stats-store";
import type { OutlierState } from "../upstream/host-registry";

export interface OutlierConfig {
  consecutive5xx: number;
  consecutiveGatewayFailure: number;
  consecutiveLocalOriginFailure: number;
  splitLocalOrigin: boolean;
  enforcing5xx: number;
  enforcingGateway: number;
  enforcingLocalOrigin: number;
  enforcingSuccessRate: number;
  intervalMs: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
  maxEjectionPercent: number;
  successRateMinimumHosts: number;
  successRateRequestVolume: number;
  successRateStdevFactor: number;
}

export function compileOutlierDetection(od: OutlierDetection | undefined, path: string): OutlierConfig | undefined {
  if (!od) return undefined;
  const pct = (v: number | undefined, d: number, field: string) => {
    const n = v ?? d;
    if (n < 0 || n > 100) throw new ConfigError([{ path: `${path}.${field}`, message: `must be in [0, 100], got ${n}` }]);
    return n;
  };
  const intervalMs = durationToMs(od.interval) ?? 10_000;
  const baseEjectionMs = durationToMs(od.baseEjectionTime) ?? 30_000;
  if (intervalMs <= 0) throw new ConfigError([{ path: `${path}.interval`, message: "must be greater than 0" }]);
  return {
    consecutive5xx: od.consecutive5xx ?? 5,
    consecutiveGatewayFailure: od.consecutiveGatewayFailure ?? 5,
    consecutiveLocalOriginFailure: od.consecutiveLocalOriginFailure ?? 5,
    splitLocalOrigin: od.splitExternalLocalOriginErrors,
    enforcing5xx: pct(od.enforcingConsecutive5xx, 100, "enforcing_consecutive_5xx"),
    enforcingGateway: pct(od.enforcingConsecutiveGatewayFailure, 0, "enforcing_consecutive_gateway_failure"),
    enforcingLocalOrigin: pct(od.enforcingConsecutiveLocalOriginFailure, 100, "enforcing_consecutive_local_origin_failure"),
    enforcingSuccessRate: pct(od.enforcingSuccessRate, 100, "enforcing_success_rate"),
    intervalMs,
    baseEjectionMs,
    maxEjectionMs: Math.max(durationToMs(od.maxEjectionTime) ?? 300_000, baseEjectionMs),
    maxEjectionPercent: pct(od.maxEjectionPercent, 10, "max_ejection_percent"),
    successRateMinimumHosts: od.successRateMinimumHosts ?? 5,
    successRateRequestVolume: od.successRateRequestVolume ?? 100,
    successRateStdevFactor: (od.successRateStdevFactor ?? 1900) / 1000,
  };
}

export interface OutlierHost {
  outlier: OutlierState;
}

export interface OutlierStats {
  ejections_active: Gauge;
  ejections_enforced_total: Counter;
  ejections_overflow: Counter;
  ejections_enforced_consecutive_5xx: Counter;
  ejections_enforced_consecutive_gateway_failure: Counter;
  ejections_enforced_consecutive_local_origin_failure: Counter;
  ejections_enforced_success_rate: Counter;
}

export function outlierStats(store: StatsStore, cluster: string): OutlierStats {
  const c = (n: string) => store.counter(`cluster.${cluster}.outlier_detection.${n}`);
  return {
    ejections_active: store.gauge(`cluster.${cluster}.outlier_detection.ejections_active`),
    ejections_enforced_total: c("ejections_enforced_total"),
    ejections_overflow: c("ejections_overflow"),
    ejections_enforced_consecutive_5xx: c("ejections_enforced_consecutive_5xx"),
    ejections_enforced_consecutive_gateway_failure: c("ejections_enforced_consecutive_gateway_failure"),
    ejections_enforced_consecutive_local_origin_failure: c("ejections_enforced_consecutive_local_origin_failure"),
    ejections_enforced_success_rate: c("ejections_enforced_success_rate"),
  };
}

export interface OutlierDetector {
  onResponse(h: OutlierHost, status: number): void;
  /** Connect failures, resets and timeouts: errors that originate in the proxy, not the upstream's answer. */
  onLocalOriginFailure(h: OutlierHost): void;
  isEjected(h: OutlierHost, now: number): boolean;
  dispose(): void;
}

type Reason = "consecutive_5xx" | "consecutive_gateway_failure" | "consecutive_local_origin_failure" | "success_rate";

/**
 * `hosts()` gives the cluster's current hosts; `changed()` is called whenever a host is ejected or returns,
 * so the cluster can rebuild its load balancer over the hosts still in.
 */
export function createOutlierDetector(cfg: OutlierConfig, hosts: () => readonly OutlierHost[], stats: OutlierStats, changed: () => void): OutlierDetector {
  const timers = new Set<NodeJS.Timeout>();
  const ejectedNow = (now: number) => hosts().filter((h) => h.outlier.ejectedUntil > now).length;
  const scheduleReturn = (h: OutlierHost) => {
    const t = setTimeout(() => {
      timers.delete(t);
      // Timers run on the monotonic clock and may fire a millisecond before Date.now() says the ejection
      // ends; then wait the remainder rather than leave the host out for good.
      if (h.outlier.ejectedUntil > Date.now()) return scheduleReturn(h);
      if (h.outlier.ejectedUntil === 0) return;
      h.outlier.ejectedUntil = 0;
      stats.ejections_active.value = ejectedNow(Date.now());
      changed();
    }, Math.max(1, h.outlier.ejectedUntil - Date.now()));
    t.unref();
    timers.add(t);
  };
  const eject = (h: OutlierHost, reason: Reason, enforcing: number) => {
    const now = Date.now();
    if (h.outlier.ejectedUntil > now) return;
    if (Math.random() * 100 >= enforcing) return;
    const n = hosts().length;
    const allowed = Math.max(1, Math.floor((cfg.maxEjectionPercent * n) / 100));
    if (ejectedNow(now) >= allowed) {
      stats.ejections_overflow.value++;
      return;
    }
    h.outlier.ejections++;
    h.outlier.ejectedUntil = now + Math.min(cfg.baseEjectionMs * h.outlier.ejections, cfg.maxEjectionMs);
    h.outlier.consecutive5xx = h.outlier.consecutiveGatewayFailure = h.outlier.consecutiveLocalOriginFailure = 0;
    stats.ejections_enforced_total.value++;
    stats[`ejections_enforced_${reason}`].value++;
    stats.ejections_active.value = ejectedNow(now);
    scheduleReturn(h);
    changed();
  };
  const gatewayFailure = (h: OutlierHost) => {
    const o = h.outlier;
    if (++o.consecutiveGatewayFailure >= cfg.consecutiveGatewayFailure) eject(h, "consecutive_gateway_failure", cfg.enforcingGateway);
  };
  // Success rate: hosts with enough requests this interval whose rate is below mean - factor × stdev.
  const interval = setInterval(() => {
    const hs = hosts();
    const eligible = hs.filter((h) => h.outlier.intervalRequests >= cfg.successRateRequestVolume);
    if (eligible.length >= cfg.successRateMinimumHosts) {
      const rates = eligible.map((h) => h.outlier.intervalSuccesses / h.outlier.intervalRequests);
      const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
      const stdev = Math.sqrt(rates.reduce((a, r) => a + (r - mean) ** 2, 0) / rates.length);
      eligible.forEach((h, i) => {
        if (rates[i]! < mean - cfg.successRateStdevFactor * stdev) eject(h, "success_rate", cfg.enforcingSuccessRate);
      });
    }
    for (const h of hs) h.outlier.intervalRequests = h.outlier.intervalSuccesses = 0;
  }, cfg.intervalMs);
  interval.unref();
  // Hosts still ejected from before this config version come back on time too.
  for (const h of hosts()) if (h.outlier.ejectedUntil > Date.now()) scheduleReturn(h);

  return {
    onResponse(h, status) {
      const o = h.outlier;
      o.intervalRequests++;
      if (status < 500) {
        o.intervalSuccesses++;
        o.consecutive5xx = o.consecutiveGatewayFailure = 0;
        if (!cfg.splitLocalOrigin) o.consecutiveLocalOriginFailure = 0;
        return;
      }
      if (++o.consecutive5xx >= cfg.consecutive5xx) return eject(h, "consecutive_5xx", cfg.enforcing5xx);
      if (status === 502 || status === 503 || status === 504) gatewayFailure(h);
      else o.consecutiveGatewayFailure = 0;
    },
    onLocalOriginFailure(h) {
      const o = h.outlier;
      o.intervalRequests++;
      if (cfg.splitLocalOrigin) {
        if (++o.consecutiveLocalOriginFailure >= cfg.consecutiveLocalOriginFailure) eject(h, "consecutive_local_origin_failure", cfg.enforcingLocalOrigin);
        return;
      }
      // Not split: a local failure counts as the 503 the proxy answers in its place.
      if (++o.consecutive5xx >= cfg.consecutive5xx) return eject(h, "consecutive_5xx", cfg.enforcing5xx);
      gatewayFailure(h);
    },
    isEjected: (h, now) => h.outlier.ejectedUntil > now,
    dispose() {
      clearInterval(interval);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
