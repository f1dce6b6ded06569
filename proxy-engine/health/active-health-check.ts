// Active health checking: each host is probed every interval (plus jitter) over HTTP (a path, expected
// statuses) or TCP (a connect); unhealthy_threshold failures in a row take it out of load balancing,
// healthy_threshold successes bring it back. A probe that outlives its timeout fails with active_hc_timeout.

import http from "node:http";
import net from "node:net";
import type { HealthCheck } from "../../proto/gen/envoy/config/core/v3/health_check_pb";
import { ConfigError } from "../config/config-error";
import { durationToMs } from "../router/compile-route-config";
import type { Counter, Gauge, StatsStore } from "../stats/stats-store";
import type { ActiveHealthState } from "../upstream/host-registry";

export interface HealthCheckConfig {
  kind: "http" | "tcp";
  path: string;
  host: string | undefined;
  /** [start, end) ranges; default [200, 201). */
  expected: [number, number][];
  timeoutMs: number;
  intervalMs: number;
  jitterMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
}

export function compileHealthChecks(checks: HealthCheck[], path: string): HealthCheckConfig | undefined {
  if (checks.length === 0) return undefined;
  if (checks.length > 1) throw new ConfigError([{ path, message: "only one health check per cluster is supported" }]);
  const hc = checks[0]!;
  const p = `${path}[0]`;
  const timeoutMs = durationToMs(hc.timeout);
  const intervalMs = durationToMs(hc.interval);
  if (!timeoutMs || timeoutMs <= 0) throw new ConfigError([{ path: `${p}.timeout`, message: "is required and must be greater than 0" }]);
  if (!intervalMs || intervalMs <= 0) throw new ConfigError([{ path: `${p}.interval`, message: "is required and must be greater than 0" }]);
  const hcType = hc.healthChecker;
  let kind: "http" | "tcp";
  let hpath = "/";
  let host: string | undefined;
  let expected: [number, number][] = [[200, 201]];
  if (hcType.case === "httpHealthCheck") {
    kind = "http";
    hpath = hcType.value.path;
    if (!hpath.startsWith("/")) throw new ConfigError([{ path: `${p}.http_health_check.path`, message: `"${hpath}" must start with "/"` }]);
    host = hcType.value.host || undefined;
    if (hcType.value.expectedStatuses.length) {
      expected = hcType.value.expectedStatuses.map((r, i) => {
        const [s, e] = [Number(r.start), Number(r.end)];
        if (s < 100 || e > 600 || e <= s) throw new ConfigError([{ path: `${p}.http_health_check.expected_statuses[${i}]`, message: `need 100 <= start < end <= 600, got [${s}, ${e})` }]);
        return [s, e];
      });
    }
  } else if (hcType.case === "tcpHealthCheck") {
    kind = "tcp";
    if (hcType.value.send || hcType.value.receive.length) throw new ConfigError([{ path: `${p}.tcp_health_check`, message: "send/receive payloads are not supported; a successful connect is healthy" }]);
  } else {
    throw new ConfigError([{ path: `${p}`, message: `${hcType.case ?? "a health checker"} is not supported (http_health_check, tcp_health_check)` }]);
  }
  return {
    kind,
    path: hpath,
    host,
    expected,
    timeoutMs,
    intervalMs,
    jitterMs: durationToMs(hc.intervalJitter) ?? 0,
    unhealthyThreshold: hc.unhealthyThreshold ?? 1,
    healthyThreshold: hc.healthyThreshold ?? 1,
  };
}

export interface HealthCheckHost {
  host: string;
  port: number;
  activeHealth: ActiveHealthState;
}

export interface HealthCheckStats {
  attempt: Counter;
  success: Counter;
  failure: Counter;
  network_failure: Counter;
  healthy: Gauge;
}

export function healthCheckStats(store: StatsStore, cluster: string): HealthCheckStats {
  const c = (n: string) => store.counter(`cluster.${cluster}.health_check.${n}`);
  return { attempt: c("attempt"), success: c("success"), failure: c("failure"), network_failure: c("network_failure"), healthy: store.gauge(`cluster.${cluster}.health_check.healthy`) };
}

/** Probes one host once; resolves to "ok", "fail" (wrong answer), "network" or "timeout". */
function probe(cfg: HealthCheckConfig, h: HealthCheckHost): Promise<"ok" | "fail" | "network" | "timeout"> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: "ok" | "fail" | "network" | "timeout") => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    let cleanup: () => void = () => {};
    const timer = setTimeout(() => {
      cleanup();
      finish("timeout");
    }, cfg.timeoutMs);
    if (cfg.kind === "tcp") {
      const s = net.connect({ host: h.host, port: h.port });
      cleanup = () => s.destroy();
      s.once("connect", () => {
        s.destroy();
        finish("ok");
      });
      s.once("error", () => finish("network"));
      return;
    }
    const req = http.request({ host: h.host, port: h.port, path: cfg.path, method: "GET", agent: false, headers: { host: cfg.host ?? `${h.host}:${h.port}`, "user-agent": "meshdash-health-checker", connection: "close" } }, (res) => {
      res.resume();
      const st = res.statusCode ?? 0;
      finish(cfg.expected.some(([a, b]) => st >= a && st < b) ? "ok" : "fail");
    });
    cleanup = () => req.destroy();
    req.once("error", () => finish("network"));
    req.end();
  });
}

export interface HealthChecker {
  dispose(): void;
}

/** Starts probing; `changed()` is called when a host's health flips (so load balancing can be rebuilt). */
export function startHealthChecker(cfg: HealthCheckConfig, hosts: readonly HealthCheckHost[], stats: HealthCheckStats, changed: () => void): HealthChecker {
  let disposed = false;
  const timers = new Set<NodeJS.Timeout>();
  const countHealthy = () => (stats.healthy.value = hosts.filter((h) => !h.activeHealth.failed).length);
  const schedule = (h: HealthCheckHost, first: boolean) => {
    // The first probe goes out soon, spread over the interval so hosts are not probed in lockstep.
    const delay = first ? Math.random() * Math.min(cfg.intervalMs, 1000) : cfg.intervalMs + Math.random() * cfg.jitterMs;
    const t = setTimeout(async () => {
      timers.delete(t);
      if (disposed) return;
      stats.attempt.value++;
      const r = await probe(cfg, h);
      if (disposed) return;
      const a = h.activeHealth;
      a.pending = false;
      a.timedOut = r === "timeout";
      const wasFailed = a.failed;
      if (r === "ok") {
        stats.success.value++;
        a.consecutiveFailures = 0;
        a.consecutiveSuccesses++;
        if (a.failed && a.consecutiveSuccesses >= cfg.healthyThreshold) a.failed = false;
      } else {
        if (r === "fail") stats.failure.value++;
        else stats.network_failure.value++;
        a.consecutiveSuccesses = 0;
        a.consecutiveFailures++;
        if (!a.failed && a.consecutiveFailures >= cfg.unhealthyThreshold) a.failed = true;
      }
      if (wasFailed !== a.failed) {
        countHealthy();
        changed();
      }
      schedule(h, false);
    }, delay);
    t.unref();
    timers.add(t);
  };
  countHealthy();
  for (const h of hosts) schedule(h, true);
  return {
    dispose() {
      disposed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
