// What the clients of one process share: identical resources decode to one message, identical resource
// lists to one validated map (failures are never shared), merges of the same maps to one map, and long
// resource_names lists are sent pre-encoded with the same bytes as before.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { DiscoveryRequestSchema, DiscoveryResponseSchema } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { decodeShared } from "./decode-cache";
import { withEncodedNames } from "./request-names";
import { decodeResources } from "./resource-decode";
import { mergeResources, nameSet } from "./subscription-state";
import { edsCluster } from "./xds-fixtures";
import { TYPE_URLS } from "./xds-kinds";

/** The resources as a client receives them: parsed out of one DiscoveryResponse buffer of its own. */
const received = (anys: Any[]) => fromBinary(DiscoveryResponseSchema, toBinary(DiscoveryResponseSchema, create(DiscoveryResponseSchema, { resources: anys }))).resources;

describe("shared decoding", () => {
  it("decodes identical bytes once and shares the message", () => {
    const a = edsCluster("c1", "svc");
    const m1 = decodeShared(ClusterSchema, new Uint8Array(a.value));
    const m2 = decodeShared(ClusterSchema, new Uint8Array(a.value));
    expect(m2).toBe(m1);
    expect(m1).toEqual(fromBinary(ClusterSchema, a.value));
    expect(decodeShared(ClusterSchema, edsCluster("c2").value)).not.toBe(m1);
  });

  it("gives identical lists one map, and different lists their own", () => {
    const list = [edsCluster("a"), edsCluster("b", "svc-b"), edsCluster("c")];
    const r1 = decodeResources("cds", received(list));
    const r2 = decodeResources("cds", received(list));
    expect(r1.ok && r2.ok && r2.resources === r1.resources).toBe(true);
    expect(r1.ok && [...r1.resources.keys()]).toEqual(["a", "b", "c"]);
    const r3 = decodeResources("cds", received([edsCluster("a"), edsCluster("b", "svc-x"), edsCluster("c")]));
    expect(r3.ok && r1.ok && r3.resources !== r1.resources).toBe(true);
    const r4 = decodeResources("cds", received(list.slice(0, 2)));
    expect(r4.ok && [...r4.resources.keys()]).toEqual(["a", "b"]);
  });

  it("never shares a failure", () => {
    const bad = [edsCluster("a"), create(AnySchema, { typeUrl: TYPE_URLS.cds, value: new Uint8Array([0x0a, 0x05, 0x61]) })];
    for (let i = 0; i < 2; i++) {
      const r = decodeResources("cds", received(bad));
      expect(r.ok ? "ok" : r.message).toMatch(/^resources\[1\]: cannot decode/);
    }
  });

  it("merges a response into what was accepted once per (accepted, response, names)", () => {
    const accepted = new Map([["x", 1], ["y", 2]]);
    const response = new Map([["y", 3], ["z", 4]]);
    const wanted = nameSet(["x", "y"]);
    const merged = mergeResources(accepted, response, wanted);
    expect([...merged]).toEqual([["x", 1], ["y", 3]]);
    expect(mergeResources(accepted, response, wanted)).toBe(merged);
    expect(mergeResources(accepted, response, nameSet(["x", "y", "z"]))).not.toBe(merged);
    expect(accepted.get("y")).toBe(2);
  });
});

describe("pre-encoded resource names", () => {
  it("writes the same request, and leaves short lists alone", () => {
    const names = Array.from({ length: 300 }, (_, i) => `outbound|80||s${i}.default.svc.cluster.local`);
    const req = create(DiscoveryRequestSchema, { typeUrl: TYPE_URLS.eds, versionInfo: "3", responseNonce: "n", resourceNames: names });
    for (let i = 0; i < 2; i++) {
      const sent = withEncodedNames(req);
      expect(sent.resourceNames).toEqual([]);
      expect(fromBinary(DiscoveryRequestSchema, toBinary(DiscoveryRequestSchema, sent))).toEqual(req);
    }
    const short = create(DiscoveryRequestSchema, { typeUrl: TYPE_URLS.eds, resourceNames: ["a"] });
    expect(withEncodedNames(short)).toBe(short);
  });
});
