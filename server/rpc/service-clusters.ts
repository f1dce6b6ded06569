// Which clusters measure which service: Istio names clusters inbound|PORT||HOST (a sidecar's own service,
// what it served) and outbound|PORT|SUBSET|HOST (what a proxy sent to HOST). A service's golden signals
// come from its inbound clusters when it has sidecars, else from the outbound clusters of its callers.

import type { Proxy } from "../../proxy-engine";
import type { ClusterRef } from "../stats-history/cluster-stats-sampler";

export interface ServiceClusters {
  inbound: ClusterRef[];
  outbound: ClusterRef[];
}

/** Direction and hostname of an Istio cluster name; undefined for any other name. */
export function parseClusterName(name: string): { direction: "inbound" | "outbound"; port: number; subset: string; hostname: string } | undefined {
  const parts = name.split("|");
  if (parts.length !== 4) return undefined;
  const [direction, port, subset, hostname] = parts as [string, string, string, string];
  if ((direction !== "inbound" && direction !== "outbound") || !/^\d+$/.test(port) || !hostname) return undefined;
  return { direction, port: Number(port), subset, hostname };
}

/** Every proxy's Istio-named clusters, grouped by the hostname they measure. */
export function clustersByService(proxies: readonly Proxy[]): Map<string, ServiceClusters> {
  const out = new Map<string, ServiceClusters>();
  for (const p of proxies) {
    for (const name of p.config().clusters.keys()) {
      const parsed = parseClusterName(name);
      if (!parsed) continue;
      let entry = out.get(parsed.hostname);
      if (!entry) out.set(parsed.hostname, (entry = { inbound: [], outbound: [] }));
      entry[parsed.direction].push({ proxy: p.id, cluster: name });
    }
  }
  return out;
}

/** The clusters that measure one service, and which view they give. */
export function serviceView(entry: ServiceClusters | undefined): { view: "inbound" | "outbound" | ""; refs: ClusterRef[] } {
  if (entry?.inbound.length) return { view: "inbound", refs: entry.inbound };
  if (entry?.outbound.length) return { view: "outbound", refs: entry.outbound };
  return { view: "", refs: [] };
}
