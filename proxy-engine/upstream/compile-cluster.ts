// Compiles an Envoy Cluster (STATIC with an inline load_assignment, or EDS fed by a ClusterLoadAssignment)
// into a CompiledCluster. Load balancing policies beyond ROUND_ROBIN arrive with the upstream issue and are
// refused by name until then, never silently replaced.

import net from "node:net";
import { Cluster_DiscoveryType, Cluster_LbPolicy, type Cluster } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import type { SocketAddress } from "../../proto/gen/envoy/config/core/v3/address_pb";
import { HealthStatus } from "../../proto/gen/envoy/config/core/v3/health_check_pb";
import type { ClusterLoadAssignment } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { collectIssues, ConfigError, type ConfigIssue } from "../config/config-error";
import type { LoadBalancer } from "../lb/common/load-balancer";
import { createLeastRequest } from "../lb/least-request/least-request";
import { createMaglev, DEFAULT_TABLE_SIZE, isPrime } from "../lb/maglev/maglev";
import { createRandom } from "../lb/random/random";
import { createRingHash } from "../lb/ring-hash/ring-hash";
import { createRoundRobin } from "../lb/round-robin/round-robin";
import { durationToMs } from "../router/compile-route-config";
import type { StatsStore } from "../stats/stats-store";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { HttpProtocolOptions } from "../../proto/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb";
import { typeRegistry } from "../config/type-registry";
import { compileOutlierDetection, createOutlierDetector, outlierStats } from "../health/outlier-detection";
import type { HostRegistry } from "./host-registry";
import { buildHostSetLb } from "./host-set-lb";
import { startDnsResolution } from "./dns-resolver";
import { compileHealthChecks, healthCheckStats, startHealthChecker } from "../health/active-health-check";
import { clusterStats, hostPort, type CompiledCluster, type Endpoint, type LbPolicyName, type RetryLimit } from "./cluster";
import type { PoolRegistry } from "./pool-registry";

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Hosts in these EDS states take no traffic (Envoy excludes them from load balancing). */
const EXCLUDED = new Set([HealthStatus.UNHEALTHY, HealthStatus.DRAINING, HealthStatus.TIMEOUT]);

export interface ClusterDeps {
  pools: PoolRegistry;
  hosts: HostRegistry;
  stats: StatsStore;
  loadAssignments: ReadonlyMap<string, ClusterLoadAssignment>;
}

export function socketAddressOf(a: SocketAddress | undefined, path: string, issues: ConfigIssue[], requireIp: boolean): { host: string; port: number } | undefined {
  if (!a || !a.address) {
    issues.push({ path: `${path}.address`, message: "is required" });
    return undefined;
  }
  if (requireIp && net.isIP(a.address) === 0) {
    issues.push({ path: `${path}.address`, message: `"${a.address}" is not an IP address (STATIC and EDS endpoints need IP literals)` });
    return undefined;
  }
  const ps = a.portSpecifier;
  if (ps.case !== "portValue" || ps.value > 65535) {
    issues.push({ path: `${path}.port_value`, message: ps.case === "namedPort" ? "named ports are not supported" : "must be a port number in [0, 65535]" });
    return undefined;
  }
  return { host: a.address, port: ps.value };
}

function endpointsOf(cla: ClusterLoadAssignment, path: string, issues: ConfigIssue[], cluster: string, registry: HostRegistry, requireIp = true): Endpoint[] {
  const out: Endpoint[] = [];
  cla.endpoints.forEach((group, gi) => {
    group.lbEndpoints.forEach((e, ei) => {
      const p = `${path}.endpoints[${gi}].lb_endpoints[${ei}]`;
      if (e.hostIdentifier.case !== "endpoint") return void issues.push({ path: p, message: "endpoint is required" });
      const sa = e.hostIdentifier.value.address?.address;
      if (sa?.case !== "socketAddress") return void issues.push({ path: `${p}.endpoint.address`, message: "socket_address is required" });
      const addr = socketAddressOf(sa.value, `${p}.endpoint.address.socket_address`, issues, requireIp);
      if (!addr) return;
      const address = hostPort(addr.host, addr.port);
      const state = registry.get(cluster, address);
      out.push({
        ...addr,
        address,
        weight: e.loadBalancingWeight ?? 1,
        locality: { region: group.locality?.region ?? "", zone: group.locality?.zone ?? "", subZone: group.locality?.subZone ?? "" },
        localityWeight: group.loadBalancingWeight ?? 1,
        priority: group.priority,
        edsHealth: HealthStatus[e.healthStatus] ?? "UNKNOWN",
        stats: state.stats,
        outlier: state.outlier,
        activeHealth: state.activeHealth,
        edsUnhealthy: EXCLUDED.has(e.healthStatus),
      });
    });
  });
  return out;
}

/** Envoy's defaults: 3 concurrent retries; a budget allows 20% of active requests, at least 3. */
function retryLimitOf(c: Cluster, path: string, issues: ConfigIssue[]): RetryLimit {
  const t = c.circuitBreakers?.thresholds.find((x) => x.priority === 0);
  const budget = t?.retryBudget;
  const pct = budget ? (budget.budgetPercent?.value ?? 20) : undefined;
  if (pct !== undefined && (pct < 0 || pct > 100)) issues.push({ path: `${path}.circuit_breakers.thresholds[0].retry_budget.budget_percent`, message: `must be in [0, 100], got ${pct}` });
  return { maxRetries: t?.maxRetries ?? 3, budgetPercent: pct, minRetryConcurrency: budget?.minRetryConcurrency ?? 3 };
}

const NO_HOSTS: LoadBalancer<Endpoint> = { pick: () => undefined };

const LB_POLICIES: LbPolicyName[] = ["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV"];

function createLb(c: Cluster, policy: LbPolicyName, endpoints: Endpoint[], path: string, issues: ConfigIssue[]): LoadBalancer<Endpoint> {
  const cfg = c.lbConfig;
  switch (policy) {
    case "LEAST_REQUEST": {
      const choices = cfg.case === "leastRequestLbConfig" ? (cfg.value.choiceCount ?? 2) : 2;
      if (choices < 2) issues.push({ path: `${path}.least_request_lb_config.choice_count`, message: "must be at least 2" });
      return createLeastRequest(endpoints, choices);
    }
    case "RANDOM":
      return createRandom(endpoints);
    case "RING_HASH": {
      const r = cfg.case === "ringHashLbConfig" ? cfg.value : undefined;
      const min = r?.minimumRingSize === undefined ? 1024 : Number(r.minimumRingSize);
      const max = r?.maximumRingSize === undefined ? 8 * 1024 * 1024 : Number(r.maximumRingSize);
      if (min < 1 || max < min || max > 8 * 1024 * 1024) {
        issues.push({ path: `${path}.ring_hash_lb_config`, message: `need 1 <= minimum_ring_size (${min}) <= maximum_ring_size (${max}) <= 8388608` });
        return NO_HOSTS;
      }
      return createRingHash(endpoints, { minimumRingSize: min, maximumRingSize: max });
    }
    case "MAGLEV": {
      const size = cfg.case === "maglevLbConfig" && cfg.value.tableSize !== undefined ? Number(cfg.value.tableSize) : DEFAULT_TABLE_SIZE;
      // A composite table size would make the permutation cycle without filling the table.
      if (!isPrime(size) || size > 5000011) {
        issues.push({ path: `${path}.maglev_lb_config.table_size`, message: `must be a prime no larger than 5000011, got ${size}` });
        return NO_HOSTS;
      }
      return createMaglev(endpoints, size);
    }
    default:
      return createRoundRobin(endpoints);
  }
}

const HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

const optionsPath = (path: string) => `${path}.typed_extension_protocol_options["${HTTP_PROTOCOL_OPTIONS}"]`;

/** The cluster's HttpProtocolOptions extension, if it has one (unknown types are reported). */
function httpProtocolOptions(c: Cluster, path: string, issues: ConfigIssue[]): HttpProtocolOptions | undefined {
  const any = c.typedExtensionProtocolOptions[HTTP_PROTOCOL_OPTIONS];
  if (!any) return undefined;
  const o = anyUnpack(any, typeRegistry) as HttpProtocolOptions | undefined;
  if (!o) issues.push({ path: optionsPath(path), message: `unknown type ${any.typeUrl}` });
  return o;
}

function upstreamProtocol(c: Cluster, o: HttpProtocolOptions | undefined, path: string, issues: ConfigIssue[]): "http1" | "http2" {
  if (!o) return c.http2ProtocolOptions ? "http2" : "http1";
  const u = o.upstreamProtocolOptions;
  if (u.case === "explicitHttpConfig") return u.value.protocolConfig.case === "http2ProtocolOptions" ? "http2" : "http1";
  if (u.case) issues.push({ path: optionsPath(path), message: `${u.case} is not supported; use explicit_http_config` });
  return "http1";
}

/** Idle upstream connections close after this long when the cluster does not say (Envoy's default is 1 h). */
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Envoy's common_http_protocol_options (from HttpProtocolOptions, else the cluster's deprecated field), as the
 * HTTP/1.1 pool applies them: idle_timeout (0 disables it) and max_requests_per_connection (0: unlimited),
 * which Istio's DestinationRule connectionPool.http.idleTimeout and maxRequestsPerConnection generate.
 */
function connectionLimits(c: Cluster, o: HttpProtocolOptions | undefined): { idleTimeoutMs: number; maxRequestsPerConnection: number } {
  const common = o?.commonHttpProtocolOptions ?? c.commonHttpProtocolOptions;
  const idle = durationToMs(common?.idleTimeout);
  return { idleTimeoutMs: idle ?? DEFAULT_IDLE_TIMEOUT_MS, maxRequestsPerConnection: common?.maxRequestsPerConnection ?? 0 };
}

export function compileCluster(c: Cluster, path: string, deps: ClusterDeps): CompiledCluster {
  const issues: ConfigIssue[] = [];
  if (!c.name) issues.push({ path: `${path}.name`, message: "is required" });
  const dt = c.clusterDiscoveryType;
  const type = dt.case === "type" ? dt.value : dt.case === undefined ? Cluster_DiscoveryType.STATIC : undefined;
  const dnsMode = type === Cluster_DiscoveryType.STRICT_DNS ? "strict" : type === Cluster_DiscoveryType.LOGICAL_DNS ? "logical" : undefined;
  if (type !== Cluster_DiscoveryType.STATIC && type !== Cluster_DiscoveryType.EDS && !dnsMode) {
    issues.push({ path: `${path}.type`, message: `cluster type ${type === undefined ? dt.case : Cluster_DiscoveryType[type]} is not supported (STATIC, EDS, STRICT_DNS, LOGICAL_DNS)` });
  }
  const lbPolicy = Cluster_LbPolicy[c.lbPolicy] as LbPolicyName | undefined;
  if (!lbPolicy || !LB_POLICIES.includes(lbPolicy)) issues.push({ path: `${path}.lb_policy`, message: `${Cluster_LbPolicy[c.lbPolicy] ?? c.lbPolicy} is not supported (${LB_POLICIES.join(", ")})` });
  const connectTimeoutMs = durationToMs(c.connectTimeout) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (connectTimeoutMs <= 0) issues.push({ path: `${path}.connect_timeout`, message: "must be greater than 0" });
  let endpoints: Endpoint[] = [];
  if (type === Cluster_DiscoveryType.EDS) {
    const serviceName = c.edsClusterConfig?.serviceName || c.name;
    const cla = deps.loadAssignments.get(serviceName);
    if (cla) endpoints = endpointsOf(cla, `load_assignments[${serviceName}]`, issues, c.name, deps.hosts);
  } else if (c.loadAssignment) {
    endpoints = endpointsOf(c.loadAssignment, `${path}.load_assignment`, issues, c.name, deps.hosts, !dnsMode);
  }
  if (dnsMode === "logical" && endpoints.length !== 1) issues.push({ path: `${path}.load_assignment`, message: `LOGICAL_DNS needs exactly one endpoint, got ${endpoints.length}` });
  // DNS clusters start empty; their endpoints are the resolved addresses.
  const dnsTargets = dnsMode ? endpoints.map((e) => ({ hostname: e.host, meta: e })) : [];
  if (dnsMode) endpoints = [];
  const protocolOptions = httpProtocolOptions(c, path, issues);
  const protocol = upstreamProtocol(c, protocolOptions, path, issues);
  const retryLimit = retryLimitOf(c, path, issues);
  const cbt = c.circuitBreakers?.thresholds.find((x) => x.priority === 0);
  const circuitBreakers = { maxConnections: cbt?.maxConnections ?? 1024, maxPendingRequests: cbt?.maxPendingRequests ?? 1024, maxRequests: cbt?.maxRequests ?? 1024 };
  const outlierConfig = collectIssues(issues, () => compileOutlierDetection(c.outlierDetection, `${path}.outlier_detection`));
  const panicThreshold = c.commonLbConfig?.healthyPanicThreshold?.value ?? 50;
  const healthCheck = collectIssues(issues, () => compileHealthChecks(c.healthChecks, `${path}.health_checks`));
  if (issues.length) throw new ConfigError(issues);
  const lbIssues: ConfigIssue[] = [];
  let usable = endpoints.filter((e) => !e.edsUnhealthy);
  let lb = createLb(c, lbPolicy!, usable, path, lbIssues);
  const hostSet = { panicThreshold, localityWeighted: c.commonLbConfig?.localityConfigSpecifier.case === "localityWeightedLbConfig" };
  if (lbIssues.length) throw new ConfigError(lbIssues);
  const stats = clusterStats(deps.stats, c.name);
  // The current membership (replaced when DNS answers change), read by the timers below.
  let members = endpoints;
  // Balances over the healthy hosts of each priority level (see host-set-lb.ts).
  const rebuild = () => {
    const now = Date.now();
    const eps = members;
    const healthy = (e: Endpoint) => !e.edsUnhealthy && e.outlier.ejectedUntil <= now && !e.activeHealth.failed;
    stats.membership_total.value = eps.length;
    stats.membership_healthy.value = eps.filter(healthy).length;
    const simple = eps.every((e) => e.priority === 0) && !hostSet.localityWeighted && eps.every(healthy);
    cluster.lb = simple ? lb : buildHostSetLb(eps, healthy, (hs) => createLb(c, lbPolicy!, hs, path, []), hostSet, stats.lb_healthy_panic);
  };
  const outlier = outlierConfig ? createOutlierDetector(outlierConfig, () => members, outlierStats(deps.stats, c.name), rebuild) : undefined;
  const hcStats = healthCheck ? healthCheckStats(deps.stats, c.name) : undefined;
  let checker = healthCheck ? startHealthChecker(healthCheck, usable, hcStats!, rebuild) : undefined;
  /** A new membership (DNS answers): new balancer, health checks on the new hosts. */
  const setEndpoints = (list: Endpoint[]) => {
    members = list;
    cluster.endpoints = list;
    usable = list.filter((e) => !e.edsUnhealthy);
    lb = createLb(c, lbPolicy!, usable, path, []);
    if (healthCheck) {
      checker?.dispose();
      checker = startHealthChecker(healthCheck, usable, hcStats!, rebuild);
    }
    rebuild();
  };
  const dns = dnsMode
    ? startDnsResolution(
        dnsTargets,
        dnsMode,
        durationToMs(c.dnsRefreshRate) || 5000,
        (resolved) => {
          const next = resolved.map(({ address, meta }) => {
            const state = deps.hosts.get(c.name, hostPort(address, meta.port));
            return { ...meta, host: address, address: hostPort(address, meta.port), stats: state.stats, outlier: state.outlier, activeHealth: state.activeHealth };
          });
          const same = next.length === members.length && next.every((e, i) => e.address === members[i]!.address);
          if (!same) setEndpoints(next);
        },
        // The last good answer stays in use; the failure is counted (cluster.<name>.update_failure).
        () => void stats.update_failure.value++,
      )
    : undefined;
  const cluster: CompiledCluster = {
    name: c.name,
    type: (Cluster_DiscoveryType[type!] ?? "STATIC") as CompiledCluster["type"],
    lbPolicy: lbPolicy!,
    hashBased: lbPolicy === "RING_HASH" || lbPolicy === "MAGLEV",
    endpoints,
    lb,
    outlier,
    healthChecked: healthCheck !== undefined,
    warm: () => dns?.warm ?? Promise.resolve(),
    dispose: () => {
      outlier?.dispose();
      checker?.dispose();
      dns?.dispose();
    },
    http1: deps.pools.http1For(c.name, { connectTimeoutMs, maxConnections: circuitBreakers.maxConnections, ...connectionLimits(c, protocolOptions) }, stats),
    protocol,
    h2: deps.pools.h2For(c.name),
    connectTimeoutMs,
    retryLimit,
    circuitBreakers,
    stats,
  };
  rebuild();
  return cluster;
}
