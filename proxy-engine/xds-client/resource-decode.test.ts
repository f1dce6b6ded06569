// Decoding DiscoveryResponse resources, and the RDS/EDS names LDS/CDS resources reference.

import { create } from "@bufbuild/protobuf";
import { anyPack, AnySchema, anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ListenerSchema } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { ResourceSchema } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { edsNamesOf, rdsNamesOf } from "./dependencies";
import { decodeResources } from "./resource-decode";
import { edsCluster, endpoints, listener, route, staticCluster } from "./xds-fixtures";
import { TYPE_URLS } from "./xds-kinds";

describe("decodeResources", () => {
  it("decodes by name in response order, unwrapping envoy.service.discovery.v3.Resource", () => {
    const wrapped = anyPack(ResourceSchema, create(ResourceSchema, { name: "b", version: "1", resource: listener("b", "rb") }));
    const r = decodeResources("lds", [listener("a", "ra"), wrapped]);
    expect(r.ok && [...r.resources.keys()]).toEqual(["a", "b"]);
    const eds = decodeResources("eds", [endpoints("svc", [1])]);
    expect(eds.ok && [...eds.resources.keys()]).toEqual(["svc"]);
  });

  it("rejects the wrong type, undecodable bytes, a missing name and a duplicate", () => {
    const msg = (r: ReturnType<typeof decodeResources>) => (r.ok ? "ok" : r.message);
    expect(msg(decodeResources("rds", [route("r", "c"), staticCluster("c", [1])]))).toBe(`resources[1]: expected ${TYPE_URLS.rds}, got "${TYPE_URLS.cds}"`);
    expect(msg(decodeResources("cds", [create(AnySchema, { typeUrl: TYPE_URLS.cds, value: new Uint8Array([0x0a, 0x05, 0x61]) })]))).toMatch(/^resources\[0\]: cannot decode type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster: /);
    expect(msg(decodeResources("cds", [anyPack(ClusterSchema, create(ClusterSchema, {}))]))).toBe("resources[0]: envoy.config.cluster.v3.Cluster has no name");
    expect(msg(decodeResources("lds", [listener("a", "r"), listener("a", "r2")]))).toBe('resources[1]: duplicate envoy.config.listener.v3.Listener "a"');
    expect(msg(decodeResources("lds", [anyPack(ResourceSchema, create(ResourceSchema, { name: "x" }))]))).toBe('resources[0]: envoy.service.discovery.v3.Resource "x" has no resource');
  });
});

describe("dependencies", () => {
  it("collects RDS names from connection managers and EDS service names from EDS clusters, sorted and unique", () => {
    const ls = [listener("a", "r2"), listener("b", "r1"), listener("c", "r2")].map((a) => anyUnpack(a, ListenerSchema)!);
    expect(rdsNamesOf(ls)).toEqual(["r1", "r2"]);
    const cs = [edsCluster("c1", "svc"), edsCluster("c2"), staticCluster("s", [1])].map((a) => anyUnpack(a, ClusterSchema)!);
    expect(edsNamesOf(cs)).toEqual(["c2", "svc"]);
  });
});
