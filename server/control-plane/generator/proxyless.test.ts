// Proxyless gRPC tests: per-target route configurations ("host:port"), unfiltered retry conditions,
// the catch-all fallback grpc-js-xds needs, and the kind detection from node metadata.
import { describe, expect, it } from "vitest";
import { RouteConfigurationSchema } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import type { Route } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { VirtualService } from "../rules/istio-types";
import { bookinfoContext, gatewayNode, gen, HOSTS, proxylessNode, sidecarNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";
import { proxyKindOf } from "./proxy-info";
import { ISTIO_DEFAULT_RETRY_ON } from "./route-policies";

const g = createGenerator(() => bookinfoContext());
const cluster = (r: Route | undefined) => (r?.action.case === "route" ? r.action.value.clusterSpecifier : undefined);

describe("proxyless gRPC", () => {
  it("tells proxy kinds apart from node id and metadata", () => {
    expect(proxyKindOf(proxylessNode())).toBe("proxyless");
    expect(proxyKindOf(gatewayNode())).toBe("gateway");
    expect(proxyKindOf({ ...sidecarNode(), metadata: { ROLE: "gateway" } })).toBe("gateway");
    expect(proxyKindOf(sidecarNode())).toBe("sidecar");
  });

  it("builds a route configuration per requested target with the service's routes", () => {
    const rcs = gen(g, proxylessNode(), "route", RouteConfigurationSchema, ["reviews:9080", "reviews:1", "outbound"]);
    expect(rcs.map((r) => r.name)).toEqual(["reviews:9080"]);
    const vh = rcs[0]!.virtualHosts;
    expect(vh).toHaveLength(1);
    expect(vh[0]!.domains).toEqual(["reviews:9080", HOSTS.reviews]);
    expect(vh[0]!.routes.map((r) => r.name)).toEqual(["jason", "reviews.1"]);
    expect(cluster(vh[0]!.routes[0])).toEqual({ case: "cluster", value: `outbound|9080|v2|${HOSTS.reviews}` });
  });

  it("sends Istio's retry conditions unfiltered and a default route for services without rules", () => {
    const [rc] = gen(g, proxylessNode(), "route", RouteConfigurationSchema, [`${HOSTS.greeter}:50051`]);
    expect(rc!.virtualHosts[0]!.domains).toEqual([`${HOSTS.greeter}:50051`, HOSTS.greeter]);
    const r = rc!.virtualHosts[0]!.routes;
    expect(r.map((x) => x.name)).toEqual(["default"]);
    expect(cluster(r[0])).toEqual({ case: "cluster", value: `outbound|50051||${HOSTS.greeter}` });
    expect(r[0]!.action.case === "route" && r[0]!.action.value.retryPolicy?.retryOn).toBe(ISTIO_DEFAULT_RETRY_ON);
  });

  it("appends a catch-all default route when the rules have none, and sets max_stream_duration from timeout", () => {
    const vs: VirtualService = {
      kind: "VirtualService",
      metadata: { name: "greeter", namespace: "default" },
      spec: { hosts: ["greeter"], http: [{ match: [{ uri: { prefix: "/helloworld.Greeter/" }, headers: { "x-canary": { exact: "1" } } }], timeout: "2s", route: [{ destination: { host: "greeter" } }] }] },
    };
    const gg = createGenerator(() => bookinfoContext({ virtualServices: [vs] }));
    const routes = gen(gg, proxylessNode(), "route", RouteConfigurationSchema, ["greeter:50051"])[0]!.virtualHosts[0]!.routes;
    expect(routes.map((r) => r.name)).toEqual(["greeter.0", "default"]);
    const a = routes[0]!.action;
    expect(a.case === "route" && a.value.maxStreamDuration?.maxStreamDuration).toMatchObject({ seconds: 2n });
    expect(a.case === "route" && a.value.clusterSpecifier.value).toBe(`outbound|50051||${HOSTS.greeter}`);
  });

  it("returns nothing for a wildcard RDS request", () => {
    expect(g.generate(proxylessNode(), "route", []).resources).toEqual([]);
  });
});
