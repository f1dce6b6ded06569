// Large DiscoveryResponses parsed from their chunks: the result equals fromBinary of the joined bytes
// for any chunking, the same resources share one stored copy, and an unusual layout is left to the
// caller.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { DiscoveryResponseSchema } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { isStoredRun, parseChunkedResponse } from "./response-intern";

const resources = Array.from({ length: 400 }, (_, i) => anyPack(ClusterSchema, create(ClusterSchema, { name: `outbound|8080||svc-${i}.bench.svc.cluster.local` })));
const response = (nonce: string) => toBinary(DiscoveryResponseSchema, create(DiscoveryResponseSchema, { versionInfo: "4", nonce, typeUrl: resources[0]!.typeUrl, resources, canary: true }));
const chunked = (bytes: Uint8Array, size: number, lead = 3) => {
  const all = Buffer.concat([Buffer.alloc(lead, 9), bytes]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += size) chunks.push(all.subarray(i, i + size));
  return chunks;
};

describe("parseChunkedResponse", () => {
  it("equals fromBinary for any chunking, and shares the stored resources", () => {
    const parsed = [16_384, 1000, 77].map((size, i) => {
      const bytes = response(`nonce-${i}`);
      const r = parseChunkedResponse(chunked(bytes, size), 3, 3 + bytes.length)!;
      expect(r).toEqual(fromBinary(DiscoveryResponseSchema, bytes));
      return r;
    });
    expect(isStoredRun(parsed[0]!.resources[0]!.value)).toBe(true);
    expect(parsed[1]!.resources[5]!.value.buffer).toBe(parsed[0]!.resources[5]!.value.buffer);
  });

  it("leaves resources interleaved with other fields to the caller", () => {
    const any = toBinary(AnySchema, resources[0]!);
    const w = new BinaryWriter();
    w.tag(2, WireType.LengthDelimited).bytes(any);
    w.tag(5, WireType.LengthDelimited).string("nonce");
    w.tag(2, WireType.LengthDelimited).bytes(any);
    const bytes = w.finish();
    expect(parseChunkedResponse(chunked(bytes, 50), 3, 3 + bytes.length)).toBeUndefined();
    expect(fromBinary(DiscoveryResponseSchema, bytes).resources).toHaveLength(2);
  });
});
