// DiscoveryRequest parsing with the resource_names block decoded once per distinct bytes: results equal
// fromBinary's for long and short lists, repeated lists, split (non-contiguous) lists and bad input.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { DiscoveryRequestSchema } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { keptBlockBytes, MAX_KEPT_BLOCK_BYTES, parseDiscoveryRequest } from "./request-decode";
import { TYPE_URL } from "./xds-types";

const names = (n: number, p = "outbound|8080||svc") => Array.from({ length: n }, (_, i) => `${p}-${i}.bench.svc.cluster.local`);
const request = (resourceNames: string[]) =>
  toBinary(DiscoveryRequestSchema, create(DiscoveryRequestSchema, { typeUrl: TYPE_URL.endpoint, versionInfo: "7", responseNonce: "abc-9", resourceNames, errorDetail: { code: 3, message: "bad" } }));

describe("parseDiscoveryRequest", () => {
  it("equals fromBinary, also when the same list comes again", () => {
    for (const list of [names(1000), names(1000), names(3), [], names(200, "other")]) {
      const bytes = request(list);
      expect(parseDiscoveryRequest(bytes)).toEqual(fromBinary(DiscoveryRequestSchema, bytes));
    }
  });

  it("shares one frozen list between requests naming the same resources", () => {
    const a = parseDiscoveryRequest(request(names(500)));
    const b = parseDiscoveryRequest(request(names(500)));
    expect(b.resourceNames).toBe(a.resourceNames);
    expect(Object.isFrozen(a.resourceNames)).toBe(true);
  });

  it("decodes a name block over MAX_KEPT_BLOCK_BYTES without keeping it", () => {
    const before = keptBlockBytes();
    const huge = request(names(30_000, `x${Date.now()}`));
    expect(huge.byteLength).toBeGreaterThan(MAX_KEPT_BLOCK_BYTES);
    expect(parseDiscoveryRequest(huge)).toEqual(fromBinary(DiscoveryRequestSchema, huge));
    expect(keptBlockBytes()).toBeLessThanOrEqual(before);
  });

  it("parses a message split across chunks without joining, equal to fromBinary", () => {
    const bytes = request(names(1000));
    const padded = new Uint8Array([7, 7, ...bytes, 9]);
    for (const size of [16_384, 1000, 3]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < padded.length; i += size) chunks.push(padded.subarray(i, i + size));
      expect(parseDiscoveryRequest({ chunks, begin: 2, end: 2 + bytes.length })).toEqual(fromBinary(DiscoveryRequestSchema, bytes));
    }
  });

  it("handles names split around other fields, and rejects malformed input like fromBinary", () => {
    const w = new BinaryWriter();
    for (const n of names(100)) w.tag(3, WireType.LengthDelimited).string(n);
    w.tag(4, WireType.LengthDelimited).string(TYPE_URL.endpoint);
    for (const n of names(100, "late")) w.tag(3, WireType.LengthDelimited).string(n);
    const split = w.finish();
    expect(parseDiscoveryRequest(split)).toEqual(fromBinary(DiscoveryRequestSchema, split));
    const bad = new Uint8Array([0x1a, 0xff, 0xff, 0x01]);
    expect(() => parseDiscoveryRequest(bad)).toThrow();
  });
});
