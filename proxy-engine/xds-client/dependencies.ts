// What LDS and CDS resources make the client subscribe to: the RDS names in listeners' connection managers
// (`rds.route_config_name`), and the EDS service names of EDS clusters (`eds_cluster_config.service_name`,
// else the cluster name, as compile-cluster looks them up). The map variants are memoized per map: the
// client's resource maps are never modified once built, and it asks after every response.

import { anyIs, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Cluster_DiscoveryType, type Cluster } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import type { Listener } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { HttpConnectionManagerSchema } from "../../proto/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb";

/** Sorted, without duplicates. A connection manager that does not decode is left to the engine to reject. */
export function rdsNamesOf(listeners: Iterable<Listener>): string[] {
  const names = new Set<string>();
  for (const l of listeners) {
    const chains = l.defaultFilterChain ? [...l.filterChains, l.defaultFilterChain] : l.filterChains;
    for (const chain of chains) {
      for (const f of chain.filters) {
        const tc = f.configType.case === "typedConfig" ? f.configType.value : undefined;
        if (!tc || !anyIs(tc, HttpConnectionManagerSchema)) continue;
        try {
          const hcm = anyUnpack(tc, HttpConnectionManagerSchema);
          if (hcm?.routeSpecifier.case === "rds" && hcm.routeSpecifier.value.routeConfigName) names.add(hcm.routeSpecifier.value.routeConfigName);
        } catch {
          // undecodable: compile-listener reports it with its path
        }
      }
    }
  }
  return [...names].sort();
}

export function edsNamesOf(clusters: Iterable<Cluster>): string[] {
  const names = new Set<string>();
  for (const c of clusters) {
    const dt = c.clusterDiscoveryType;
    if (dt.case === "type" && dt.value === Cluster_DiscoveryType.EDS) names.add(c.edsClusterConfig?.serviceName || c.name);
  }
  return [...names].sort();
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((n, i) => n === b[i]));
}

const rdsMemo = new WeakMap<ReadonlyMap<string, Listener>, string[]>();
const edsMemo = new WeakMap<ReadonlyMap<string, Cluster>, string[]>();

/** rdsNamesOf(m.values()), computed once per map; the array is shared and must not be modified. */
export function rdsNamesOfMap(m: ReadonlyMap<string, Listener>): string[] {
  let names = rdsMemo.get(m);
  if (!names) rdsMemo.set(m, (names = rdsNamesOf(m.values())));
  return names;
}

/** edsNamesOf(m.values()), computed once per map; the array is shared and must not be modified. */
export function edsNamesOfMap(m: ReadonlyMap<string, Cluster>): string[] {
  let names = edsMemo.get(m);
  if (!names) edsMemo.set(m, (names = edsNamesOf(m.values())));
  return names;
}
