// Checks proxyless output with @grpc/grpc-js-xds's own resource validators (what a gRPC client ACKs or
// NACKs): listeners, route configurations, load assignments and clusters, with LEAST_REQUEST refused.
import { createRequire } from "node:module";
import type { Any } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import type { XdsType } from "../../xds/xds-types";
import { bookinfoContext, HOSTS, proxylessNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";

interface Decoded {
  name: string;
  error?: string;
}
interface ResourceType {
  get(): { decode(context: unknown, resource: { type_url: string; value: Buffer }): Decoded };
}

const require = createRequire(import.meta.url);
const base = "@grpc/grpc-js-xds/build/src";
const TYPES: Record<XdsType, ResourceType> = {
  listener: require(`${base}/xds-resource-type/listener-resource-type`).ListenerResourceType,
  route: require(`${base}/xds-resource-type/route-config-resource-type`).RouteConfigurationResourceType,
  cluster: require(`${base}/xds-resource-type/cluster-resource-type`).ClusterResourceType,
  endpoint: require(`${base}/xds-resource-type/endpoint-resource-type`).EndpointResourceType,
};
const context = { bootstrap: { certificateProviders: {}, xdsServers: [], node: {}, authorities: {} } };

const g = createGenerator(() => bookinfoContext());

function decodeAll(type: XdsType, names: string[]): Decoded[] {
  return g.generate(proxylessNode(), type, names).resources.map((r) => {
    const any: Any = r.resource;
    return TYPES[type].get().decode(context, { type_url: any.typeUrl, value: Buffer.from(any.value) });
  });
}

describe("proxyless resources through grpc-js-xds validation", () => {
  beforeAll(() => {
    require(`${base}/http-filter/router-filter`).setup();
    require(`${base}/http-filter/fault-injection-filter`).setup();
  });

  it("accepts the API listeners", () => {
    const out = decodeAll("listener", ["reviews:9080", "ratings:9080", `${HOSTS.greeter}:50051`]);
    expect(out.map((d) => [d.name, d.error])).toEqual([
      ["reviews:9080", undefined],
      ["ratings:9080", undefined],
      [`${HOSTS.greeter}:50051`, undefined],
    ]);
  });

  it("accepts the route configurations (matches, weights, faults, retries, hash policies)", () => {
    const out = decodeAll("route", ["reviews:9080", "ratings:9080", "details:9080", `${HOSTS.greeter}:50051`]);
    expect(out.map((d) => d.error)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("accepts the load assignments", () => {
    const out = decodeAll("endpoint", [`outbound|9080|v1|${HOSTS.reviews}`, `outbound|9080||${HOSTS.reviews}`, `outbound|50051||${HOSTS.greeter}`]);
    expect(out.map((d) => d.error)).toEqual([undefined, undefined, undefined]);
  });

  it("accepts ROUND_ROBIN and RING_HASH clusters and NACKs a DestinationRule's LEAST_REQUEST", () => {
    const names = [`outbound|9080|v1|${HOSTS.reviews}`, `outbound|9080|v2|${HOSTS.reviews}`, `outbound|9080||${HOSTS.ratings}`, `outbound|9080||${HOSTS.details}`, `outbound|50051||${HOSTS.greeter}`, `outbound|9080|v3|${HOSTS.reviews}`];
    const out = decodeAll("cluster", names);
    expect(out.slice(0, 5).map((d) => d.error)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(out[5]!.error).toMatch(/LEAST_REQUEST/);
  });
});
