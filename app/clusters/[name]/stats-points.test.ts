// Chart points from the WatchClusterStats stream: history replaces, samples append, the window slides.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { StatsPointSchema } from "../../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { applyStatsMessage, toChartPoint } from "./stats-points";

const point = (t: number, requests: number, errorRate?: number) =>
  create(StatsPointSchema, { timeMs: BigInt(t), traffic: { requests: BigInt(requests), rps: requests / 2, errorRate, p99Ms: requests ? 12 : undefined } });

describe("stats points", () => {
  it("splits the rate into ok and failed, and leaves gaps where there was no traffic", () => {
    expect(toChartPoint(point(2000, 10, 0.2))).toEqual({ t: 2000, requests: 10, rps: 5, okRps: 4, errorRps: 1, errorPct: 20, p50: null, p90: null, p99: 12 });
    expect(toChartPoint(point(4000, 0))).toMatchObject({ rps: 0, errorPct: null, p99: null });
  });

  it("replaces on history, appends new samples only, and keeps the window", () => {
    let pts = applyStatsMessage([], { history: true, windowMs: 6000, points: [point(2000, 1), point(4000, 2)] });
    expect(pts.map((p) => p.t)).toEqual([2000, 4000]);
    pts = applyStatsMessage(pts, { history: false, windowMs: 6000, points: [point(4000, 2), point(6000, 3)] });
    expect(pts.map((p) => p.t)).toEqual([2000, 4000, 6000]);
    pts = applyStatsMessage(pts, { history: false, windowMs: 6000, points: [point(8000, 4), point(10_000, 5)] });
    expect(pts.map((p) => p.t)).toEqual([6000, 8000, 10_000]);
    pts = applyStatsMessage(pts, { history: true, windowMs: 6000, points: [point(12_000, 1)] });
    expect(pts.map((p) => p.t)).toEqual([12_000]);
  });
});
