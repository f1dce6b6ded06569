// Istio's short-name resolution: a rule's host "reviews" in namespace "default" means
// "reviews.default.svc.cluster.local"; "reviews.prod" means "reviews.prod.svc.cluster.local"; names
// with three or more dots, and wildcards, are taken as written.

export const CLUSTER_DOMAIN = "svc.cluster.local";

export function resolveHost(host: string, namespace: string): string {
  if (host.startsWith("*")) return host;
  const dots = host.split(".").length - 1;
  if (dots === 0) return `${host}.${namespace}.${CLUSTER_DOMAIN}`;
  if (dots === 1) return `${host}.${CLUSTER_DOMAIN}`;
  return host;
}

/** Istio's cluster name: outbound|PORT|SUBSET|HOST (subset empty for the whole service). */
export function outboundClusterName(port: number, subset: string, hostname: string): string {
  return `outbound|${port}|${subset}|${hostname}`;
}

export function inboundClusterName(port: number, hostname: string): string {
  return `inbound|${port}||${hostname}`;
}
