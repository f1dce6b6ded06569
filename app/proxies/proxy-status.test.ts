// The Proxies page's data rules: worst-state rollup, summary counts, filter, names, time formats and the
// live stream's reconnect backoff.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ProxyRole, ProxySchema, SyncState, type Proxy } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { reconnectDelayMs } from "../lib/use-proxies";
import { filterProxies, formatAgo, formatClock, formatConvergence, overallState, proxyHref, proxyIdFromSegment, shortName, summarize, typeCell } from "./proxy-status";

const proxy = (id: string, states: Partial<Record<"CDS" | "LDS" | "EDS" | "RDS", SyncState>>, role = ProxyRole.SIDECAR): Proxy =>
  create(ProxySchema, {
    id,
    role,
    configVersion: "lds=1 rds=1 cds=1 eds=1",
    sync: Object.entries(states).map(([type, state]) => ({ type, state, error: state === SyncState.ERROR ? "bad cookie" : "", convergenceMs: -1 })),
  });

const synced = { CDS: SyncState.SYNCED, LDS: SyncState.SYNCED, EDS: SyncState.SYNCED, RDS: SyncState.SYNCED };

describe("proxy status", () => {
  it("rolls a proxy up to its worst type, and one with no xDS stream to NOT CONNECTED", () => {
    expect(overallState(proxy("a", synced))).toBe("SYNCED");
    expect(overallState(proxy("a", { ...synced, EDS: SyncState.STALE }))).toBe("STALE");
    expect(overallState(proxy("a", { ...synced, EDS: SyncState.STALE, RDS: SyncState.ERROR }))).toBe("ERROR");
    expect(overallState(proxy("a", { LDS: SyncState.NOT_SENT }))).toBe("NOT SENT");
    expect(overallState(proxy("a", {}))).toBe("NOT CONNECTED");
  });

  it("labels each type's cell, NOT SUBSCRIBED when the proxy never asked for it", () => {
    const p = proxy("a", { LDS: SyncState.ERROR, CDS: SyncState.SYNCED });
    expect(typeCell(p, "LDS")).toMatchObject({ state: "ERROR", sync: { error: "bad cookie" } });
    expect(typeCell(p, "EDS")).toEqual({ type: "EDS", state: "NOT SUBSCRIBED", sync: undefined });
  });

  it("counts proxies per state and filters by state and text", () => {
    const list = [proxy("router~gw", synced, ProxyRole.GATEWAY), proxy("sidecar~1~reviews-v1-0.default~x", { ...synced, RDS: SyncState.ERROR }), proxy("grpc-1", { LDS: SyncState.STALE }, ProxyRole.PROXYLESS)];
    expect(summarize(list)).toEqual({ total: 3, SYNCED: 1, STALE: 1, ERROR: 1, "NOT SENT": 0, "NOT CONNECTED": 0 });
    expect(filterProxies(list, { text: "", state: "ERROR" }).map((p) => p.id)).toEqual(["sidecar~1~reviews-v1-0.default~x"]);
    expect(filterProxies(list, { text: "PROXYLESS" }).map((p) => p.id)).toEqual(["grpc-1"]);
    expect(filterProxies(list, { text: " Reviews " }).map((p) => p.id)).toEqual(["sidecar~1~reviews-v1-0.default~x"]);
  });

  it("names proxies as istioctl does and round-trips any node id through the detail URL", () => {
    expect(shortName("sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local")).toBe("productpage-v1-0.default");
    expect(shortName("grpc client/1")).toBe("grpc client/1");
    for (const id of ["sidecar~127.0.0.1~details-v1-0.default~default.svc.cluster.local", "grpc client/1?x=%41#"]) {
      const segment = proxyHref(id).slice("/proxies/".length);
      expect(segment).not.toMatch(/[/?# ]/);
      expect(proxyIdFromSegment(segment)).toBe(id);
    }
    expect(proxyIdFromSegment("100%")).toBe("100%");
  });

  it("formats ages, clock times and convergence", () => {
    const now = 1_000_000_000;
    expect(formatAgo(0, now)).toBe("—");
    expect(formatAgo(now - 4_200, now)).toBe("4s ago");
    expect(formatAgo(now - 192_000, now)).toBe("3m 12s ago");
    expect(formatAgo(now - 7_500_000, now)).toBe("2h 5m ago");
    expect(formatAgo(now - 100 * 3_600_000, now)).toBe("4d 4h ago");
    expect(formatClock(0)).toBe("—");
    expect(formatClock(new Date(2026, 0, 2, 3, 4, 5, 6).getTime(), true)).toBe("03:04:05.006");
    expect(formatConvergence(-1)).toBe("—");
    expect(formatConvergence(0.4)).toBe("<1 ms");
    expect(formatConvergence(14.2)).toBe("14 ms");
    expect(formatConvergence(1250)).toBe("1.25 s");
  });
});

describe("reconnectDelayMs", () => {
  it("doubles from 0.5 s to a 10 s cap, with ±20 % jitter", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => reconnectDelayMs(a, 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(reconnectDelayMs(1, 0)).toBe(400);
    expect(reconnectDelayMs(1, 1)).toBe(600);
  });
});
