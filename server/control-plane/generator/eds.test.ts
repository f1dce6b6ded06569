// EDS translation tests: per-cluster load assignments filtered by subset labels, grouped by locality with
// weights, target ports, health status and endpoint weights.
import { describe, expect, it } from "vitest";
import { HealthStatus } from "../../../proto/gen/envoy/config/core/v3/health_check_pb";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { bookinfoContext, gen, HOSTS, proxylessNode, sidecarNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";

const g = createGenerator(() => bookinfoContext());
const all = gen(g, sidecarNode(), "endpoint", ClusterLoadAssignmentSchema);
const cla = (name: string) => all.find((c) => c.clusterName === name)!;
const addresses = (c: ClusterLoadAssignment) =>
  c.endpoints.flatMap((l) => l.lbEndpoints.map((e) => (e.hostIdentifier.case === "endpoint" && e.hostIdentifier.value.address?.address.case === "socketAddress" ? e.hostIdentifier.value.address.address.value : undefined)));

describe("EDS", () => {
  it("has one load assignment per EDS cluster", () => {
    expect(all.map((c) => c.clusterName)).toContain(`outbound|9080|v2|${HOSTS.reviews}`);
    expect(all.map((c) => c.clusterName)).toHaveLength(9);
  });

  it("filters a subset's endpoints by its labels", () => {
    expect(addresses(cla(`outbound|9080|v2|${HOSTS.reviews}`)).map((a) => a?.address)).toEqual(["10.0.1.2"]);
    expect(addresses(cla(`outbound|9080||${HOSTS.reviews}`)).map((a) => a?.address)).toEqual(["10.0.1.1", "10.0.1.2", "10.0.1.3"]);
  });

  it("groups by locality and weights each locality by the sum of its endpoint weights", () => {
    const c = cla(`outbound|9080||${HOSTS.reviews}`);
    expect(c.endpoints.map((l) => [l.locality?.zone, l.loadBalancingWeight])).toEqual([
      ["zone-a", 1],
      ["zone-b", 4],
    ]);
    expect(c.endpoints[0]!.locality).toMatchObject({ region: "region-1", zone: "zone-a", subZone: "" });
    const zb = c.endpoints[1]!.lbEndpoints;
    expect(zb.map((e) => [e.loadBalancingWeight, e.healthStatus])).toEqual([
      [3, HealthStatus.HEALTHY],
      [1, HealthStatus.UNHEALTHY],
    ]);
  });

  it("uses the instance's target port", () => {
    expect(addresses(cla(`outbound|9080||${HOSTS.details}`))[0]).toMatchObject({ address: "10.0.0.2", portSpecifier: { case: "portValue", value: 9081 } });
  });

  it("serves requested names only to proxyless clients", () => {
    expect(g.generate(proxylessNode(), "endpoint", []).resources).toEqual([]);
    const out = gen(g, proxylessNode(), "endpoint", ClusterLoadAssignmentSchema, [`outbound|50051||${HOSTS.greeter}`, "missing"]);
    expect(out.map((c) => c.clusterName)).toEqual([`outbound|50051||${HOSTS.greeter}`]);
    expect(out[0]!.endpoints[0]!.loadBalancingWeight).toBe(1);
  });
});
