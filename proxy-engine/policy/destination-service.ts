// destination.service.* and the traffic direction from a route's cluster, named as Istio names them:
// "outbound|PORT|SUBSET|HOST" (this proxy is the client side) or "inbound|PORT||HOST" (the server side).

import type { CompiledRoute } from "../router/route-table";
import { parseClusterName } from "../tap/proxy-identity";

export interface DestinationService {
  /** Service hostname, e.g. reviews.default.svc.cluster.local; "" when unknown. */
  host: string;
  name: string;
  namespace: string;
  port: number;
  direction: "inbound" | "outbound" | undefined;
}

export const UNKNOWN_SERVICE: DestinationService = Object.freeze({ host: "", name: "", namespace: "", port: 0, direction: undefined });

export function serviceOfCluster(cluster: string): DestinationService {
  const c = parseClusterName(cluster);
  if (!c) return { ...UNKNOWN_SERVICE, host: cluster, name: cluster };
  const [name = "", namespace = ""] = c.host.split(".");
  return { host: c.host, name, namespace, port: Number(c.port) || 0, direction: c.direction };
}

/** The cluster a route forwards to (the first of weighted clusters, which share one service). */
export function routeCluster(route: CompiledRoute | undefined): string | undefined {
  const a = route?.action;
  if (a?.kind !== "forward") return undefined;
  const t = a.target;
  return t.kind === "cluster" ? t.name : t.kind === "weighted" ? t.clusters[0]?.name : undefined;
}

/** Per route, computed once per config version (routes are immutable and shared by requests). */
export function createServiceLookup(): (route: CompiledRoute | undefined) => DestinationService {
  const byRoute = new WeakMap<CompiledRoute, DestinationService>();
  return (route) => {
    if (!route) return UNKNOWN_SERVICE;
    let d = byRoute.get(route);
    if (!d) {
      const c = routeCluster(route);
      d = c ? serviceOfCluster(c) : UNKNOWN_SERVICE;
      byRoute.set(route, d);
    }
    return d;
  };
}
