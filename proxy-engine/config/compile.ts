// Validates a set of Envoy v3 resources and compiles them into one immutable CompiledConfig: listeners with
// their route tables, clusters with load balancers and pools. Every problem is reported with its field path;
// nothing is half-applied.

import type { ClusterLoadAssignment } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import type { RouteConfiguration } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { compileListener, type CompiledListener } from "../listener/compile-listener";
import type { StatsStore } from "../stats/stats-store";
import type { CompiledCluster } from "../upstream/cluster";
import { compileCluster } from "../upstream/compile-cluster";
import type { PoolRegistry } from "../upstream/pool-registry";
import type { HostRegistry } from "../upstream/host-registry";
import type { PolicyRuntime } from "../policy/policy-runtime";
import { collectIssues, ConfigError, type ConfigIssue } from "./config-error";
import type { ResourcesWithOrigin } from "./resources";

export type { CompiledListener } from "../listener/compile-listener";

export interface CompiledConfig {
  version: string;
  listeners: CompiledListener[];
  listenerByName: Map<string, CompiledListener>;
  clusters: Map<string, CompiledCluster>;
  /** The validated input, kept for /config_dump. */
  resources: ResourcesWithOrigin;
  /** When this config was applied (ms since the epoch), for /config_dump's last_updated. */
  appliedAt: number;
}

export interface CompileDeps {
  pools: PoolRegistry;
  stats: StatsStore;
  hosts: HostRegistry;
  policy?: PolicyRuntime;
}

export function compileResources(res: ResourcesWithOrigin, version: string, deps: CompileDeps): CompiledConfig {
  const issues: ConfigIssue[] = [];
  const pre = res.pathPrefix;
  const loadAssignments = new Map<string, ClusterLoadAssignment>(res.loadAssignments.map((c) => [c.clusterName, c]));
  const routeConfigs = new Map<string, RouteConfiguration>(res.routeConfigs.map((r) => [r.name, r]));
  const clusters = new Map<string, CompiledCluster>();
  res.clusters.forEach((c, i) => {
    const path = `${pre}clusters[${i}]`;
    collectIssues(issues, () => {
      const cluster = compileCluster(c, path, { ...deps, loadAssignments });
      if (clusters.has(cluster.name)) throw new ConfigError([{ path: `${path}.name`, message: `duplicate cluster name "${cluster.name}"` }]);
      clusters.set(cluster.name, cluster);
    });
  });
  const knownClusters = new Set(res.clusters.map((c) => c.name));
  const listeners: CompiledListener[] = [];
  const listenerByName = new Map<string, CompiledListener>();
  const bound = new Map<string, string>();
  res.listeners.forEach((l, i) => {
    const path = `${pre}listeners[${i}]`;
    collectIssues(issues, () => {
      const listener = compileListener(l, path, { routeConfigs, knownClusters, stats: deps.stats, policy: deps.policy });
      if (listenerByName.has(listener.name)) throw new ConfigError([{ path: `${path}.name`, message: `duplicate listener name "${listener.name}"` }]);
      const at = `${listener.host}:${listener.port}`;
      if (listener.port !== 0 && bound.has(at)) throw new ConfigError([{ path: `${path}.address`, message: `${at} is already used by listener "${bound.get(at)}"` }]);
      bound.set(at, listener.name);
      listeners.push(listener);
      listenerByName.set(listener.name, listener);
    });
  });
  if (issues.length) throw new ConfigError(issues);
  return { version, listeners, listenerByName, clusters, resources: res, appliedAt: Date.now() };
}
