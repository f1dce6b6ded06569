// Workload identity from an Istio node id (ours, or a peer's from metadata exchange): name, namespace and the
// app/version labels Istio's metrics carry, derived from the pod-like name since node ids hold no labels.

import { parseProxyId } from "../tap/proxy-identity";

export interface Workload {
  /** The node id it came from. */
  id: string;
  /** Deployment-like name ("reviews-v2" for pod "reviews-v2-0"); "" when unknown. */
  name: string;
  namespace: string;
  ip: string;
  /** Istio's "kubernetes://POD.NAMESPACE"; "" when unknown. */
  uid: string;
  /** app and version, when the name says them. */
  labels: Readonly<Record<string, string>>;
}

export const UNKNOWN_WORKLOAD: Workload = Object.freeze({ id: "", name: "", namespace: "", ip: "", uid: "", labels: Object.freeze({}) });

/** A StatefulSet ordinal ("-0") or a ReplicaSet hash and pod suffix ("-5d8f9c7b6-x2x4z"). */
const POD_SUFFIX = /-(?:\d+|[a-z0-9]{6,10}-[a-z0-9]{5})$/;
const APP_VERSION = /^(.+)-(v\d[a-z0-9]*)$/;

export function workloadOf(nodeId: string): Workload {
  const p = parseProxyId(nodeId);
  if (!p.workload) return { ...UNKNOWN_WORKLOAD, id: nodeId };
  const name = p.workload.replace(POD_SUFFIX, "");
  const av = APP_VERSION.exec(name);
  const labels: Record<string, string> = av ? { app: av[1]!, version: av[2]! } : { app: name };
  return { id: nodeId, name, namespace: p.namespace, ip: p.ip, uid: `kubernetes://${p.workload}.${p.namespace}`, labels };
}

/** Peers repeat: parse each node id once. Bounded, since the header comes from the network. */
export function createWorkloadCache(max = 1024): (nodeId: string) => Workload {
  const cache = new Map<string, Workload>();
  return (nodeId) => {
    let w = cache.get(nodeId);
    if (w === undefined) {
      if (cache.size >= max) cache.clear();
      w = workloadOf(nodeId.length > 512 ? "" : nodeId);
      cache.set(nodeId, w);
    }
    return w;
  };
}
