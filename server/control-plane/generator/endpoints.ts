// EDS: one ClusterLoadAssignment per outbound cluster: the service's instances (only those whose labels
// carry the subset's labels), grouped by locality, each locality weighted by the sum of its endpoints'
// weights (proxyless gRPC drops localities without a weight).

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import type { LbEndpointSchema, LocalityLbEndpointsSchema } from "../../../proto/gen/envoy/config/endpoint/v3/endpoint_components_pb";
import { HealthStatus } from "../../../proto/gen/envoy/config/core/v3/health_check_pb";
import { targetPort, type Service, type WorkloadInstance } from "../registry/registry-types";
import type { DestinationRule } from "../rules/istio-types";
import { outboundClusterName } from "../rules/resolve-host";

export function matchesLabels(instance: WorkloadInstance, labels: Record<string, string> | undefined): boolean {
  if (!labels) return true;
  for (const k in labels) if (instance.labels[k] !== labels[k]) return false;
  return true;
}

type LocalityInit = MessageInitShape<typeof LocalityLbEndpointsSchema>;
type Locality = { region: string; zone: string; subZone: string };

export function loadAssignment(clusterName: string, instances: readonly WorkloadInstance[], servicePort: number): ClusterLoadAssignment {
  const groups = new Map<string, { locality: Locality; weight: number; endpoints: MessageInitShape<typeof LbEndpointSchema>[] }>();
  for (const i of instances) {
    const l = i.locality;
    const key = `${l.region}/${l.zone}/${l.subZone}`;
    let g = groups.get(key);
    if (!g) {
      g = { locality: { region: l.region, zone: l.zone, subZone: l.subZone }, weight: 0, endpoints: [] };
      groups.set(key, g);
    }
    const weight = i.weight ?? 1;
    g.weight += weight;
    g.endpoints.push({
      hostIdentifier: { case: "endpoint", value: { address: { address: { case: "socketAddress", value: { address: i.address, portSpecifier: { case: "portValue", value: targetPort(i, servicePort) } } } } } },
      healthStatus: i.healthy ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY,
      loadBalancingWeight: weight,
    });
  }
  const endpoints: LocalityInit[] = [...groups.values()].map((g) => ({ locality: g.locality, lbEndpoints: g.endpoints, loadBalancingWeight: Math.max(1, g.weight) }));
  return create(ClusterLoadAssignmentSchema, { clusterName, endpoints });
}

/** Load assignments for every outbound cluster of a service (whole service and each subset, per port). */
export function loadAssignmentsOf(svc: Service, instances: readonly WorkloadInstance[], dr: DestinationRule | undefined): ClusterLoadAssignment[] {
  const out: ClusterLoadAssignment[] = [];
  const subsets = (dr?.spec.subsets ?? []).map((s) => ({ name: s.name, members: instances.filter((i) => matchesLabels(i, s.labels)) }));
  for (const port of svc.ports) {
    out.push(loadAssignment(outboundClusterName(port.port, "", svc.hostname), instances, port.port));
    for (const s of subsets) out.push(loadAssignment(outboundClusterName(port.port, s.name, svc.hostname), s.members, port.port));
  }
  return out;
}
