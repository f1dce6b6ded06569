// Per-service output caching across pushes: structural equality of plain data, outputs reused for equal
// (freshly built) inputs, rebuilt when the service, its rule or its instances change, and dropped with
// services that are gone.

import { describe, expect, it } from "vitest";
import { bookinfoInstances, bookinfoServices, reviewsDestinationRule } from "./bookinfo-fixture";
import { createServiceOutputCache, sameData } from "./service-cache";
import { cluster } from "../../xds/xds-test-util";

describe("sameData", () => {
  it("is deep equality of JSON-like data", () => {
    expect(sameData({ a: [1, { b: "x" }], c: null }, { c: null, a: [1, { b: "x" }] })).toBe(true);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameData({ a: [1] }, { a: [1, 2] })).toBe(false);
    expect(sameData(undefined, undefined)).toBe(true);
  });
});

describe("service output cache", () => {
  it("reuses outputs for equal inputs and rebuilds what changed", () => {
    const cache = createServiceOutputCache();
    let built = 0;
    const make = () => [cluster(`c${++built}`)];
    const pass = (svcs = bookinfoServices(), instances = bookinfoInstances(), dr = reviewsDestinationRule()) => {
      cache.begin();
      const out = svcs.map((s) => cache.get(s, s.name === "reviews" ? dr : undefined, instances.filter((i) => i.service === s.hostname), make));
      cache.end();
      return out;
    };
    const first = pass();
    expect(built).toBe(5);
    const second = pass();
    expect(second).toEqual(first);
    expect(second.every((o, i) => o === first[i])).toBe(true);
    expect(built).toBe(5);

    const moved = bookinfoInstances().map((i) => (i.name === "ratings-v1-0" ? { ...i, address: "10.9.9.9" } : i));
    const third = pass(bookinfoServices(), moved);
    expect(built).toBe(6);
    expect(third.filter((o, i) => o !== first[i])).toHaveLength(1);

    const dr = reviewsDestinationRule();
    dr.spec.subsets = dr.spec.subsets?.slice(0, 1);
    pass(bookinfoServices(), moved, dr);
    expect(built).toBe(7);

    pass(bookinfoServices().slice(0, 2), moved, dr);
    expect(cache.size).toBe(2);
    expect(cache.stats).toEqual({ hits: 5 + 4 + 4 + 2, misses: 7 });
  });
});
