// Top's aggregation: keys, success rate, latencies, RPS over the window, and sorting.
import { describe, expect, it } from "vitest";
import type { TapRow } from "../tap/tap-rows";
import { addStream, createTopAggregate, rpsOf, snapshot, sortTopRows } from "./top-aggregate";

const stream = (over: Partial<TapRow>): TapRow =>
  ({
    direction: "inbound",
    sourceName: "10.0.0.1",
    destinationName: "gw",
    source: "10.0.0.1:5000",
    proxy: "gw-proxy",
    authority: "a",
    method: "GET",
    path: "/a",
    status: 200,
    grpcStatus: undefined,
    state: "done",
    latencyMs: 10,
    ...over,
  }) as TapRow;

describe("top aggregate", () => {
  it("groups by direction, source, destination, method and path", () => {
    const agg = createTopAggregate(0);
    addStream(agg, stream({}), 100);
    addStream(agg, stream({ latencyMs: 30, status: 503 }), 200);
    addStream(agg, stream({ latencyMs: 20 }), 300);
    addStream(agg, stream({ method: "POST" }), 300);
    addStream(agg, stream({ direction: "outbound" }), 300);
    addStream(agg, stream({ path: "/b", source: "10.0.0.2:1" }), 300);
    const rows = snapshot(agg, 1000);
    expect(rows).toHaveLength(4);
    const a = rows.find((r) => r.method === "GET" && r.path === "/a" && r.direction === "inbound")!;
    expect(a).toMatchObject({ count: 3, bestMs: 10, worstMs: 30, lastMs: 20, proxy: "gw-proxy", sourceIp: "10.0.0.1", authority: "a" });
    expect(a.successRate).toBeCloseTo(2 / 3);
    expect(a.p50Ms! / 20).toBeLessThan(1.06);
    expect(a.p99Ms).toBe(30);
    expect(agg.streams).toBe(6);
  });

  it("counts RPS over the last 10 s, or since it started when that is later", () => {
    const agg = createTopAggregate(0);
    for (let t = 0; t < 20_000; t += 100) addStream(agg, stream({}), t); // 10 per second for 20 s
    const s = agg.rows.values().next().value!;
    expect(rpsOf(s, 20_000, 0)).toBeCloseTo(10, 0);
    expect(rpsOf(s, 40_000, 0)).toBe(0);
    const young = createTopAggregate(10_000);
    for (let t = 10_000; t < 12_000; t += 100) addStream(young, stream({}), t);
    expect(rpsOf(young.rows.values().next().value!, 12_000, 10_000)).toBeCloseTo(10, 0);
  });

  it("sorts by any column, rows without a value last", () => {
    const agg = createTopAggregate(0);
    addStream(agg, stream({ path: "/a", latencyMs: 5 }), 0);
    addStream(agg, stream({ path: "/b", latencyMs: 50 }), 0);
    addStream(agg, stream({ path: "/b", latencyMs: 50 }), 0);
    addStream(agg, stream({ path: "/c", latencyMs: undefined }), 0);
    const rows = snapshot(agg, 1000);
    expect(sortTopRows(rows, "count", "desc")[0]!.path).toBe("/b");
    expect(sortTopRows(rows, "worst", "asc").map((r) => r.path)).toEqual(["/a", "/b", "/c"]);
    expect(sortTopRows(rows, "worst", "desc").map((r) => r.path)).toEqual(["/b", "/a", "/c"]);
    expect(sortTopRows(rows, "path", "desc").map((r) => r.path)).toEqual(["/c", "/b", "/a"]);
  });
});
