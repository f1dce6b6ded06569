// Compiles an Envoy Listener: its socket address and its network filter chain, which ends in either
// envoy.filters.network.http_connection_manager (HTTP, with an inline route_config or rds) or
// envoy.filters.network.tcp_proxy (raw TCP to a cluster).

import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { Listener } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import type { RouteConfiguration } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { type HttpConnectionManager, HttpConnectionManagerSchema } from "../../proto/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb";
import { type TcpProxy, TcpProxySchema } from "../../proto/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb";
import { collectIssues, ConfigError, type ConfigIssue } from "../config/config-error";
import { typeRegistry } from "../config/type-registry";
import { compileRouteConfig, durationToMs } from "../router/compile-route-config";

/** Slowloris bounds when the config sets none: headers must arrive within 30 s, a request within 5 min. */
const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
/** Envoy's default is an hour; five minutes bounds what a dead HTTP/2 peer can hold. */
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
import type { ClusterTarget, CompiledRouteTable } from "../router/route-table";
import { socketAddressOf } from "../upstream/compile-cluster";
import { compileHttpFilters } from "../http/filters/compile-http-filters";
import type { PolicyRuntime } from "../policy/policy-runtime";
import type { StreamFilter } from "../http/filters/stream-filter";
import type { StatsStore } from "../stats/stats-store";
import { compileAccessLogs, type AccessLogger } from "../http/access-log/access-logger";
import { compileNetworkFilters } from "./network-filters/compile-network-filters";
import type { NetworkFilter } from "./network-filters/network-filter";

export const HCM_FILTER = "envoy.filters.network.http_connection_manager";
export const TCP_PROXY_FILTER = "envoy.filters.network.tcp_proxy";

export interface CompiledHcm {
  statPrefix: string;
  /** Undefined while an rds route configuration has not arrived: requests get 404 saying so. */
  routeTable: CompiledRouteTable | undefined;
  rdsName: string | undefined;
  generateRequestId: boolean;
  /** Stream filters in configuration order (the router is the forward action, not a filter). */
  filters: StreamFilter[];
  accessLogs: AccessLogger[];
  /** Connection idle timeout (common_http_protocol_options.idle_timeout). */
  idleTimeoutMs: number;
  /** HTTP/1.1 header and whole-request timeouts (request_headers_timeout, request_timeout). */
  requestHeadersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Lower-cased upgrade types allowed by upgrade_configs (e.g. "websocket"). */
  upgradeTypes: ReadonlySet<string>;
}

interface ListenerBase {
  name: string;
  host: string;
  port: number;
  /** Non-terminal network filters, run on each new connection before the terminal filter. */
  networkFilters: NetworkFilter[];
}

export type CompiledListener = (ListenerBase & { kind: "http"; hcm: CompiledHcm }) | (ListenerBase & { kind: "tcp"; tcp: { statPrefix: string; target: ClusterTarget } });

export interface ListenerDeps {
  routeConfigs: ReadonlyMap<string, RouteConfiguration>;
  knownClusters: ReadonlySet<string>;
  stats: StatsStore;
  /** The proxy's policy state (counters, buckets, report adapters) for policy filters. */
  policy?: PolicyRuntime;
}

export function compileListener(l: Listener, path: string, deps: ListenerDeps): CompiledListener {
  const issues: ConfigIssue[] = [];
  if (!l.name) issues.push({ path: `${path}.name`, message: "is required" });
  const sa = l.address?.address;
  const addr = sa?.case === "socketAddress" ? socketAddressOf(sa.value, `${path}.address.socket_address`, issues, false) : undefined;
  if (sa?.case !== "socketAddress") issues.push({ path: `${path}.address.socket_address`, message: "is required" });
  if (l.filterChains.length !== 1) {
    issues.push({ path: `${path}.filter_chains`, message: `exactly one filter chain is supported, got ${l.filterChains.length}` });
    throw new ConfigError(issues);
  }
  const filters = l.filterChains[0]!.filters;
  const fpath = `${path}.filter_chains[0].filters`;
  const last = filters[filters.length - 1];
  if (!last) {
    issues.push({ path: fpath, message: `a terminal filter (${HCM_FILTER} or ${TCP_PROXY_FILTER}) is required` });
    throw new ConfigError(issues);
  }
  const networkFilters = collectIssues(issues, () => compileNetworkFilters(filters.slice(0, -1), fpath, deps.stats)) ?? [];
  const lp = `${fpath}[${filters.length - 1}]`;
  const tc = last.configType.case === "typedConfig" ? last.configType.value : undefined;
  const unpacked = tc ? anyUnpack(tc, typeRegistry) : undefined;
  if (!tc) issues.push({ path: `${lp}.typed_config`, message: "is required" });
  else if (!unpacked) issues.push({ path: `${lp}.typed_config`, message: `unknown type ${tc.typeUrl}` });
  if (issues.length || !addr || !unpacked) throw new ConfigError(issues);
  const base = { name: l.name, host: addr.host, port: addr.port, networkFilters };
  if (unpacked.$typeName === HttpConnectionManagerSchema.typeName) {
    return { ...base, kind: "http", hcm: compileHcm(unpacked as HttpConnectionManager, `${lp}.typed_config`, deps) };
  }
  if (unpacked.$typeName === TcpProxySchema.typeName) {
    return { ...base, kind: "tcp", tcp: compileTcpProxy(unpacked as TcpProxy, `${lp}.typed_config`, deps) };
  }
  throw new ConfigError([{ path: `${lp}.typed_config`, message: `${unpacked.$typeName} is not a terminal network filter` }]);
}

function compileHcm(h: HttpConnectionManager, path: string, deps: ListenerDeps): CompiledHcm {
  const issues: ConfigIssue[] = [];
  if (!h.statPrefix) issues.push({ path: `${path}.stat_prefix`, message: "is required" });
  const filters = collectIssues(issues, () => compileHttpFilters(h.httpFilters, `${path}.http_filters`, deps.stats, h.statPrefix, deps.policy)) ?? [];
  const upgradeTypes = new Set<string>();
  h.upgradeConfigs.forEach((u, i) => {
    if (!u.upgradeType) issues.push({ path: `${path}.upgrade_configs[${i}].upgrade_type`, message: "is required" });
    if (u.filters.length) issues.push({ path: `${path}.upgrade_configs[${i}].filters`, message: "per-upgrade filter chains are not supported" });
    if (u.enabled ?? true) upgradeTypes.add(u.upgradeType.toLowerCase());
  });
  const accessLogs = collectIssues(issues, () => compileAccessLogs(h.accessLog, `${path}.access_log`)) ?? [];
  let routeTable: CompiledRouteTable | undefined;
  let rdsName: string | undefined;
  const rs = h.routeSpecifier;
  if (rs.case === "routeConfig") {
    routeTable = collectIssues(issues, () => compileRouteConfig(rs.value, `${path}.route_config`, { knownClusters: deps.knownClusters, stats: deps.stats }));
  } else if (rs.case === "rds") {
    rdsName = rs.value.routeConfigName;
    if (!rdsName) issues.push({ path: `${path}.rds.route_config_name`, message: "is required" });
    const rc = deps.routeConfigs.get(rdsName);
    // Route configs from RDS are not cluster-validated by default (Envoy's validate_clusters).
    if (rc) routeTable = collectIssues(issues, () => compileRouteConfig(rc, `route_configs[${rdsName}]`, { knownClusters: rc.validateClusters ? deps.knownClusters : undefined, stats: deps.stats }));
  } else {
    issues.push({ path, message: "one of route_config or rds is required" });
  }
  if (issues.length) throw new ConfigError(issues);
  return { statPrefix: h.statPrefix, routeTable, rdsName, generateRequestId: h.generateRequestId ?? true,
    filters,
    accessLogs,
    upgradeTypes,
    idleTimeoutMs: durationToMs(h.commonHttpProtocolOptions?.idleTimeout) || DEFAULT_IDLE_TIMEOUT_MS,
    requestHeadersTimeoutMs: durationToMs(h.requestHeadersTimeout) || DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: durationToMs(h.requestTimeout) || DEFAULT_REQUEST_TIMEOUT_MS,
  };
}

function compileTcpProxy(t: TcpProxy, path: string, deps: ListenerDeps): { statPrefix: string; target: ClusterTarget } {
  const issues: ConfigIssue[] = [];
  if (!t.statPrefix) issues.push({ path: `${path}.stat_prefix`, message: "is required" });
  let target: ClusterTarget | undefined;
  const cs = t.clusterSpecifier;
  if (cs.case === "cluster") {
    if (!deps.knownClusters.has(cs.value)) issues.push({ path: `${path}.cluster`, message: `unknown cluster "${cs.value}"` });
    target = { kind: "cluster", name: cs.value };
  } else if (cs.case === "weightedClusters") {
    const clusters = cs.value.clusters.map((c) => ({ name: c.name, weight: c.weight }));
    target = { kind: "weighted", clusters, total: clusters.reduce((n, c) => n + c.weight, 0) };
    if (target.total === 0) issues.push({ path: `${path}.weighted_clusters`, message: "weights must not all be 0" });
  } else {
    issues.push({ path, message: "one of cluster or weighted_clusters is required" });
  }
  if (issues.length || !target) throw new ConfigError(issues);
  return { statPrefix: t.statPrefix, target };
}
