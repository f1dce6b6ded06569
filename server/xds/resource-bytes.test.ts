// Byte-level helpers of the ADS server: equality and diffs of generated resources, and DiscoveryResponse
// bodies spliced from pre-encoded resources, which must serialize exactly as the message would.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { DiscoveryResponseSchema } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { changedResources, resourceHash, resourcesAsUnknownField, sameResource, sameResources } from "./resource-bytes";
import { cluster } from "./xds-test-util";
import { TYPE_URL } from "./xds-types";

describe("resource bytes", () => {
  it("compares by name and bytes, whatever the objects", () => {
    expect(sameResource(cluster("a"), cluster("a"))).toBe(true);
    expect(sameResource(cluster("a"), cluster("a", 2))).toBe(false);
    expect(sameResource(cluster("a"), undefined)).toBe(false);
    expect(sameResources([cluster("a"), cluster("b")], [cluster("a"), cluster("b")])).toBe(true);
    expect(sameResources([cluster("a"), cluster("b")], [cluster("b"), cluster("a")])).toBe(false);
    expect(resourceHash(cluster("a"))).toBe(resourceHash(cluster("a")));
    expect(resourceHash(cluster("a"))).not.toBe(resourceHash(cluster("a", 2)));
  });

  it("lists the resources that are new or changed, in order, whatever the previous order", () => {
    const prev = [cluster("a"), cluster("b"), cluster("c")];
    expect(changedResources([cluster("a"), cluster("b", 2), cluster("c")], prev).map((r) => r.name)).toEqual(["b"]);
    expect(changedResources([cluster("c"), cluster("d"), cluster("a", 3)], prev).map((r) => r.name)).toEqual(["d", "a"]);
    expect(changedResources([cluster("b")], prev)).toEqual([]);
  });

  it("splices resources into a response as toBinary writes them (the fields after the known ones)", () => {
    const resources = [cluster("a"), cluster("b"), cluster("c", 7)];
    for (const list of [resources, resources.slice(1), [...resources]]) {
      const msg = create(DiscoveryResponseSchema, { versionInfo: "3", nonce: "n-1", typeUrl: TYPE_URL.cluster });
      msg.$unknown = [resourcesAsUnknownField(TYPE_URL.cluster, list)!];
      const expected = create(DiscoveryResponseSchema, { versionInfo: "3", nonce: "n-1", typeUrl: TYPE_URL.cluster, resources: list.map((r) => r.resource) });
      const bytes = toBinary(DiscoveryResponseSchema, msg);
      expect(fromBinary(DiscoveryResponseSchema, bytes)).toEqual(expected);
      expect(bytes.length).toBe(toBinary(DiscoveryResponseSchema, expected).length);
    }
    expect(resourcesAsUnknownField(TYPE_URL.cluster, [])).toBeUndefined();
    // Empty fields are left out, as toBinary does.
    const empty = { name: "e", resource: create(AnySchema, { typeUrl: TYPE_URL.cluster }) };
    const msg = create(DiscoveryResponseSchema, { nonce: "n" });
    msg.$unknown = [resourcesAsUnknownField("empty-test", [empty, cluster("a")])!];
    const plain = create(DiscoveryResponseSchema, { nonce: "n", resources: [empty.resource, cluster("a").resource] });
    expect(fromBinary(DiscoveryResponseSchema, toBinary(DiscoveryResponseSchema, msg))).toEqual(plain);
    expect(toBinary(DiscoveryResponseSchema, msg).length).toBe(toBinary(DiscoveryResponseSchema, plain).length);
  });
});
