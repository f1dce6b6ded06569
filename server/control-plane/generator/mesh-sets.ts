// The node-independent CDS and EDS sets of a push (every outbound cluster, every load assignment),
// packed. A set is reused whole from the previous push when the registry snapshot is the same object and
// the DestinationRules are equal (a VirtualService change touches neither), otherwise rebuilt through the
// per-service caches (service-cache.ts). Answers derived from a set (a sidecar's CDS list, an EDS
// subscription's pick) are memoized on the set, so unchanged answers are the very same arrays.

import { ClusterSchema } from "../../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import type { GeneratedResource } from "../../xds/xds-types";
import type { RegistrySnapshot } from "../registry/registry-types";
import type { DestinationRule } from "../rules/istio-types";
import { outboundClustersOf } from "./clusters";
import { loadAssignmentsOf } from "./endpoints";
import { packed } from "./packed";
import type { PushContext } from "./push-context";
import { createServiceOutputCache, sameData, type ServiceOutputCache } from "./service-cache";

export interface ResourceSet {
  list: GeneratedResource[];
  byName: Map<string, GeneratedResource>;
  /** Answers derived from this set, by a key naming what they are. */
  derived: Map<string, GeneratedResource[]>;
}

export function setOf(list: GeneratedResource[]): ResourceSet {
  return { list, byName: new Map(list.map((r) => [r.name, r])), derived: new Map() };
}

export interface MeshSets {
  clusters(ctx: PushContext): ResourceSet;
  endpoints(ctx: PushContext): ResourceSet;
}

interface Built {
  registry: RegistrySnapshot;
  destinationRules: readonly DestinationRule[];
  set: ResourceSet;
}

function meshSet(build: (ctx: PushContext, cache: ServiceOutputCache) => GeneratedResource[]): (ctx: PushContext) => ResourceSet {
  const cache = createServiceOutputCache();
  const byContext = new WeakMap<PushContext, ResourceSet>();
  let last: Built | undefined;
  return (ctx) => {
    let set = byContext.get(ctx);
    if (set) return set;
    if (last && last.registry === ctx.registry && sameData(last.destinationRules, ctx.destinationRules)) set = last.set;
    else {
      cache.begin();
      set = setOf(build(ctx, cache));
      cache.end();
    }
    last = { registry: ctx.registry, destinationRules: ctx.destinationRules, set };
    byContext.set(ctx, set);
    return set;
  };
}

export function createMeshSets(): MeshSets {
  return {
    clusters: meshSet((ctx, cache) =>
      ctx.index.services.flatMap((svc) => {
        const dr = ctx.index.drByHost.get(svc.hostname);
        return cache.get(svc, dr, undefined, () => outboundClustersOf(svc, dr, { proxyless: false }).map((cl) => packed(ClusterSchema, cl.name, cl)));
      }),
    ),
    endpoints: meshSet((ctx, cache) =>
      ctx.index.services.flatMap((svc) => {
        const dr = ctx.index.drByHost.get(svc.hostname);
        const instances = ctx.index.instancesByHost.get(svc.hostname) ?? [];
        return cache.get(svc, dr, instances, () => loadAssignmentsOf(svc, instances, dr).map((la) => packed(ClusterLoadAssignmentSchema, la.clusterName, la)));
      }),
    ),
  };
}
