// DestinationRule traffic policies: the subset-over-top-level merge, and the load-balancer part (lb_policy
// with its ring hash / maglev config, and the route hash_policy a consistent-hash policy implies).

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Cluster_LbPolicy, type ClusterSchema } from "../../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { RouteAction_HashPolicySchema, type RouteAction_HashPolicy } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { DestinationRule, LoadBalancerSettings, TrafficPolicy } from "../rules/istio-types";
import { istioDuration } from "./proto-duration";

/** A subset's policy overrides the top-level one field by field (loadBalancer, connectionPool, outlierDetection). */
export function mergeTrafficPolicy(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined): TrafficPolicy | undefined {
  if (!subset) return top;
  if (!top) return subset;
  return {
    loadBalancer: subset.loadBalancer ?? top.loadBalancer,
    connectionPool: subset.connectionPool ?? top.connectionPool,
    outlierDetection: subset.outlierDetection ?? top.outlierDetection,
  };
}

/** The effective policy for one subset ("" = the whole service) of a DestinationRule. */
export function policyFor(dr: DestinationRule | undefined, subset: string): TrafficPolicy | undefined {
  if (!dr) return undefined;
  const s = subset ? dr.spec.subsets?.find((x) => x.name === subset) : undefined;
  return mergeTrafficPolicy(dr.spec.trafficPolicy, s?.trafficPolicy);
}

type ClusterInit = MessageInitShape<typeof ClusterSchema>;
export type LbFields = Pick<ClusterInit, "lbPolicy" | "lbConfig">;

/**
 * lb_policy and lb_config for a policy. PASSTHROUGH (Istio's ORIGINAL_DST cluster) is not something the
 * engine or gRPC support, so it is served as ROUND_ROBIN. Proxyless gRPC clients accept ROUND_ROBIN and
 * RING_HASH: RANDOM and PASSTHROUGH become ROUND_ROBIN and MAGLEV becomes RING_HASH, but LEAST_REQUEST is
 * sent as written (as Istio does), so an unsupported choice is visible as a NACK rather than hidden.
 */
export function lbFields(lb: LoadBalancerSettings | undefined, proxyless: boolean): LbFields {
  const ch = lb?.consistentHash;
  if (ch) {
    if (ch.maglev && !proxyless) {
      const size = ch.maglev.tableSize;
      return { lbPolicy: Cluster_LbPolicy.MAGLEV, lbConfig: { case: "maglevLbConfig", value: size === undefined ? {} : { tableSize: BigInt(size) } } };
    }
    const min = ch.ringHash?.minimumRingSize;
    return { lbPolicy: Cluster_LbPolicy.RING_HASH, lbConfig: { case: "ringHashLbConfig", value: min === undefined ? {} : { minimumRingSize: BigInt(min) } } };
  }
  switch (lb?.simple) {
    case "LEAST_REQUEST":
      return { lbPolicy: Cluster_LbPolicy.LEAST_REQUEST };
    case "RANDOM":
      return { lbPolicy: proxyless ? Cluster_LbPolicy.ROUND_ROBIN : Cluster_LbPolicy.RANDOM };
    default:
      return { lbPolicy: Cluster_LbPolicy.ROUND_ROBIN };
  }
}

/** The route hash_policy for a consistent-hash load balancer, or undefined. */
export function hashPolicyOf(lb: LoadBalancerSettings | undefined): RouteAction_HashPolicy | undefined {
  const ch = lb?.consistentHash;
  if (!ch) return undefined;
  if (ch.httpHeaderName) return create(RouteAction_HashPolicySchema, { policySpecifier: { case: "header", value: { headerName: ch.httpHeaderName } } });
  if (ch.httpCookie) {
    const c = ch.httpCookie;
    return create(RouteAction_HashPolicySchema, { policySpecifier: { case: "cookie", value: { name: c.name, path: c.path ?? "", ttl: istioDuration(c.ttl) } } });
  }
  if (ch.useSourceIp) return create(RouteAction_HashPolicySchema, { policySpecifier: { case: "connectionProperties", value: { sourceIp: true } } });
  if (ch.httpQueryParameterName) return create(RouteAction_HashPolicySchema, { policySpecifier: { case: "queryParameter", value: { name: ch.httpQueryParameterName } } });
  return undefined;
}
