// Who a proxy is and where a request goes, from Istio's naming conventions, which the engine already holds:
// node ids "TYPE~IP~WORKLOAD.NAMESPACE~DOMAIN" and clusters "outbound|PORT|SUBSET|HOST" / "inbound|PORT||HOST".
// EDS carries no endpoint metadata in this mesh, so these are the labels tap can match and report.

import type { CompiledConfig } from "../config/compile";

export interface ProxyIdentity {
  /** "sidecar" or "router" (Istio's gateway type); "" when the id is not Istio-shaped. */
  type: string;
  ip: string;
  /** Pod-like workload name, e.g. "reviews-v2-0"; "" when unknown. */
  workload: string;
  namespace: string;
}

export function parseProxyId(id: string): ProxyIdentity {
  const parts = id.split("~");
  if (parts.length !== 4) return { type: "", ip: "", workload: "", namespace: "" };
  const [type, ip, name] = parts as [string, string, string, string];
  const dot = name.lastIndexOf(".");
  return { type, ip, workload: dot > 0 ? name.slice(0, dot) : name, namespace: dot > 0 ? name.slice(dot + 1) : "" };
}

export interface IstioCluster {
  direction: "inbound" | "outbound";
  port: string;
  subset: string;
  /** Service hostname, e.g. reviews.default.svc.cluster.local. */
  host: string;
}

export function parseClusterName(name: string): IstioCluster | undefined {
  const parts = name.split("|");
  if (parts.length !== 4 || (parts[0] !== "inbound" && parts[0] !== "outbound") || !parts[3]) return undefined;
  return { direction: parts[0], port: parts[1]!, subset: parts[2]!, host: parts[3] };
}

/** Service hostnames a sidecar serves: those of its inbound clusters. */
export function servedServices(config: CompiledConfig): string[] {
  const out = new Set<string>();
  for (const name of config.clusters.keys()) {
    const c = parseClusterName(name);
    if (c?.direction === "inbound") out.add(c.host);
  }
  return [...out];
}

/**
 * Labels of a cluster as a tap destination: service (short name), namespace, subset and port from an
 * Istio cluster name, plus the cluster's name. Other names give only `cluster`.
 */
export function clusterLabels(name: string): Record<string, string> {
  const c = parseClusterName(name);
  if (!c) return { cluster: name };
  const [service = "", namespace = ""] = c.host.split(".");
  const out: Record<string, string> = { cluster: name, service, namespace, port: c.port };
  if (c.subset) out.subset = c.subset;
  return out;
}

/** Labels of a proxy's own workload (source of its outbound traffic, destination of its inbound). */
export function workloadLabels(id: ProxyIdentity, config: CompiledConfig): Record<string, string> {
  if (id.type !== "sidecar") return {};
  const out: Record<string, string> = {};
  if (id.workload) out.workload = id.workload;
  if (id.namespace) out.namespace = id.namespace;
  const served = servedServices(config)[0];
  if (served) out.service = served.split(".")[0]!;
  return out;
}
