import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RouteFiguresSchema, RouteSchema } from "../../proto/gen/meshdash/route/v1/route_pb";
import { actionSummary, figureCells, formatDurationMs, formatShare, policySummary, proxyLabel } from "./route-format";

describe("route format", () => {
  it("prints actions, timeouts and retries", () => {
    const split = create(RouteSchema, {
      action: { action: { case: "forward", value: { weighted: true, clusters: [{ name: "a", weight: 50 }, { name: "b", weight: 50 }], totalWeight: 100, timeoutMs: 3000, retryPolicy: { numRetries: 2, retryOn: ["5xx", "reset"], perTryTimeoutMs: 1000 } } } },
    });
    expect(actionSummary(split)).toBe("→ 2 weighted clusters");
    expect(policySummary(split)).toEqual(["timeout 3s", "2 retries on 5xx, reset (1s per try)"]);
    expect(actionSummary(create(RouteSchema, { action: { action: { case: "forward", value: { clusters: [{ name: "c", weight: 1 }] } } } }))).toBe("→ c");
    expect(policySummary(create(RouteSchema, { action: { action: { case: "forward", value: { clusters: [{ name: "c", weight: 1 }] } } } }))).toEqual(["no timeout"]);
    expect(actionSummary(create(RouteSchema, { action: { action: { case: "redirect", value: { status: 301, scheme: "https", host: "x" } } } }))).toBe("redirect 301 → https://x");
    expect(actionSummary(create(RouteSchema, { action: { action: { case: "directResponse", value: { status: 503, bodyBytes: 12 } } } }))).toBe("direct response 503 (12 B)");
  });

  it("prints figures, with dashes for a window without requests", () => {
    expect(figureCells(undefined)).toEqual({ rps: "", success: "", p99: "", failing: false });
    expect(figureCells(create(RouteFiguresSchema, { requests: 0n }))).toEqual({ rps: "0", success: "—", p99: "—", failing: false });
    expect(figureCells(create(RouteFiguresSchema, { requests: 40n, rps: 4, successRate: 0.925, p99Ms: 812.4 }))).toEqual({ rps: "4.0", success: "93%", p99: "812ms", failing: true });
    expect(formatDurationMs(0.25)).toBe("250µs");
    expect(formatDurationMs(1500)).toBe("1.50s");
    expect(formatShare(1 / 3)).toBe("33.3%");
    expect(proxyLabel("sidecar~127.0.0.1~reviews-v1-0.default~default.svc.cluster.local")).toBe("reviews-v1-0.default");
    expect(proxyLabel("my-gateway")).toBe("my-gateway");
  });
});
