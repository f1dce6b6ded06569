// Validates a Bootstrap and compiles it into plain lookup structures (route tables, clusters with LBs and pools).
// Every problem is reported with its field path; nothing is half-applied.

import net from "node:net";
import { createRoundRobin } from "../lb/round-robin/round-robin";
import type { CompiledRoute, CompiledRouteTable, CompiledVirtualHost } from "../router/route-table";
import { clusterStats, createHostStats, type CompiledCluster, type Endpoint } from "../upstream/cluster";
import type { PoolRegistry } from "../upstream/pool-registry";
import type { StatsStore } from "../stats/stats-store";
import type { Bootstrap, Cluster, Listener, RouteConfiguration, SocketAddress } from "./bootstrap";
import { ConfigError, type ConfigIssue } from "./config-error";
import { parseDurationMs } from "./duration";

export interface CompiledListener {
  name: string;
  host: string;
  port: number;
  statPrefix: string;
  routeTable: CompiledRouteTable;
}

export interface CompiledConfig {
  version: string;
  listeners: CompiledListener[];
  listenerByName: Map<string, CompiledListener>;
  clusters: Map<string, CompiledCluster>;
  /** The validated input, kept for /config_dump. */
  source: Bootstrap;
}

export interface CompileDeps {
  pools: PoolRegistry;
  stats: StatsStore;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export function compileBootstrap(input: Bootstrap, version: string, deps: CompileDeps): CompiledConfig {
  const issues: ConfigIssue[] = [];
  const sr = input?.static_resources;
  if (!sr || typeof sr !== "object") throw new ConfigError([{ path: "static_resources", message: "is required" }]);
  const clusters = new Map<string, CompiledCluster>();
  (sr.clusters ?? []).forEach((c, i) => {
    const cluster = compileCluster(c, `static_resources.clusters[${i}]`, issues, deps);
    if (!cluster) return;
    if (clusters.has(cluster.name)) {
      issues.push({ path: `static_resources.clusters[${i}].name`, message: `duplicate cluster name "${cluster.name}"` });
      return;
    }
    clusters.set(cluster.name, cluster);
  });
  const listeners: CompiledListener[] = [];
  const listenerNames = new Set<string>();
  (sr.listeners ?? []).forEach((l, i) => {
    const path = `static_resources.listeners[${i}]`;
    const listener = compileListener(l, path, clusters, issues);
    if (!listener) return;
    if (listenerNames.has(listener.name)) {
      issues.push({ path: `${path}.name`, message: `duplicate listener name "${listener.name}"` });
      return;
    }
    listenerNames.add(listener.name);
    listeners.push(listener);
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return { version, listeners, listenerByName: new Map(listeners.map((l) => [l.name, l])), clusters, source: input };
}

function compileSocketAddress(a: SocketAddress | undefined, path: string, issues: ConfigIssue[]) {
  if (!a || typeof a.address !== "string" || a.address === "") {
    issues.push({ path: `${path}.address`, message: "is required" });
    return undefined;
  }
  if (net.isIP(a.address) === 0 && a.address !== "localhost") {
    issues.push({ path: `${path}.address`, message: `"${a.address}" is not an IP address (STATIC clusters need IP literals)` });
    return undefined;
  }
  if (!Number.isInteger(a.port_value) || a.port_value < 0 || a.port_value > 65535) {
    issues.push({ path: `${path}.port_value`, message: `must be an integer in [0, 65535], got ${String(a.port_value)}` });
    return undefined;
  }
  return { host: a.address, port: a.port_value };
}

function compileCluster(c: Cluster, path: string, issues: ConfigIssue[], deps: CompileDeps): CompiledCluster | undefined {
  const before = issues.length;
  if (!c.name) issues.push({ path: `${path}.name`, message: "is required" });
  if (c.type !== undefined && c.type !== "STATIC") issues.push({ path: `${path}.type`, message: `unsupported cluster type "${c.type}"` });
  if (c.lb_policy !== undefined && c.lb_policy !== "ROUND_ROBIN") {
    issues.push({ path: `${path}.lb_policy`, message: `unsupported lb_policy "${c.lb_policy}"` });
  }
  let connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  if (c.connect_timeout !== undefined) {
    const ms = parseDurationMs(c.connect_timeout);
    if (ms === undefined || ms <= 0) issues.push({ path: `${path}.connect_timeout`, message: `invalid duration "${c.connect_timeout}"` });
    else connectTimeoutMs = ms;
  }
  const endpoints: Endpoint[] = [];
  const groups = c.load_assignment?.endpoints;
  if (!Array.isArray(groups)) issues.push({ path: `${path}.load_assignment.endpoints`, message: "is required" });
  else {
    groups.forEach((g, gi) => {
      (g.lb_endpoints ?? []).forEach((e, ei) => {
        const p = `${path}.load_assignment.endpoints[${gi}].lb_endpoints[${ei}].endpoint.address.socket_address`;
        const addr = compileSocketAddress(e?.endpoint?.address?.socket_address, p, issues);
        if (addr) endpoints.push({ ...addr, address: `${addr.host}:${addr.port}`, stats: createHostStats() });
      });
    });
  }
  if (issues.length > before) return undefined;
  return {
    name: c.name,
    endpoints,
    lb: createRoundRobin(endpoints),
    agent: deps.pools.agentFor(c.name),
    connectTimeoutMs,
    stats: clusterStats(deps.stats.counter, c.name),
  };
}

function compileListener(
  l: Listener,
  path: string,
  clusters: Map<string, CompiledCluster>,
  issues: ConfigIssue[],
): CompiledListener | undefined {
  const before = issues.length;
  if (!l.name) issues.push({ path: `${path}.name`, message: "is required" });
  const addr = compileSocketAddress(l.address?.socket_address, `${path}.address.socket_address`, issues);
  const hcm = l.http_connection_manager;
  if (!hcm) {
    issues.push({ path: `${path}.http_connection_manager`, message: "is required" });
    return undefined;
  }
  const routeTable = compileRouteConfig(hcm.route_config, `${path}.http_connection_manager.route_config`, clusters, issues);
  if (issues.length > before || !addr || !routeTable) return undefined;
  return { name: l.name, host: addr.host, port: addr.port, statPrefix: hcm.stat_prefix || l.name, routeTable };
}

function compileRouteConfig(
  rc: RouteConfiguration | undefined,
  path: string,
  clusters: Map<string, CompiledCluster>,
  issues: ConfigIssue[],
): CompiledRouteTable | undefined {
  if (!rc) {
    issues.push({ path, message: "is required" });
    return undefined;
  }
  const table: CompiledRouteTable = { name: rc.name ?? "", exact: new Map(), suffixes: [], prefixes: [], wildcard: undefined };
  const seenDomains = new Set<string>();
  (rc.virtual_hosts ?? []).forEach((vhIn, vi) => {
    const vpath = `${path}.virtual_hosts[${vi}]`;
    const routes: CompiledRoute[] = [];
    (vhIn.routes ?? []).forEach((r, ri) => {
      const rpath = `${vpath}.routes[${ri}]`;
      const { prefix, path: exactPath } = r.match ?? {};
      if ((prefix === undefined) === (exactPath === undefined)) {
        issues.push({ path: `${rpath}.match`, message: "exactly one of prefix or path is required" });
        return;
      }
      const m = prefix ?? exactPath ?? "";
      if (!m.startsWith("/")) issues.push({ path: `${rpath}.match`, message: `"${m}" must start with "/"` });
      const cluster = clusters.get(r.route?.cluster ?? "");
      if (!cluster) {
        issues.push({ path: `${rpath}.route.cluster`, message: `unknown cluster "${r.route?.cluster ?? ""}"` });
        return;
      }
      routes.push({ name: r.name ?? `${vhIn.name}/${ri}`, prefix, path: exactPath, cluster });
    });
    const vh: CompiledVirtualHost = { name: vhIn.name, routes };
    if (!Array.isArray(vhIn.domains) || vhIn.domains.length === 0) {
      issues.push({ path: `${vpath}.domains`, message: "at least one domain is required" });
    }
    (vhIn.domains ?? []).forEach((d, di) => {
      const domain = d.toLowerCase();
      if (seenDomains.has(domain)) {
        issues.push({ path: `${vpath}.domains[${di}]`, message: `domain "${d}" is already used by another virtual host` });
        return;
      }
      seenDomains.add(domain);
      if (domain === "*") table.wildcard = vh;
      else if (domain.startsWith("*")) table.suffixes.push([domain.slice(1), vh]);
      else if (domain.endsWith("*")) table.prefixes.push([domain.slice(0, -1), vh]);
      else table.exact.set(domain, vh);
    });
  });
  table.suffixes.sort((a, b) => b[0].length - a[0].length);
  table.prefixes.sort((a, b) => b[0].length - a[0].length);
  return table;
}
