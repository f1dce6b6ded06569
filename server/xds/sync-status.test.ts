// Sync bookkeeping: STALE → SYNCED/ERROR transitions, convergence carried across a resend, proxy kinds.

import { describe, expect, it } from "vitest";
import { markAcked, markNacked, markSent, newTypeState, proxyKind, sameNames } from "./sync-status";
import type { ProxyNode } from "./xds-types";

const node = (id: string, metadata: Record<string, unknown> = {}): ProxyNode => ({
  id,
  cluster: "",
  metadata,
  locality: { region: "", zone: "", subZone: "" },
  userAgent: "",
});

describe("sync status", () => {
  it("tracks sent, ACKed and NACKed states and convergence from the push's changedAt", () => {
    const st = newTypeState("cluster");
    expect(st.state).toBe("NOT_SENT");
    markSent(st, "2", "n1", 3, 1000, 1010);
    expect(st).toMatchObject({ state: "STALE", sentVersion: "2", sentNonce: "n1", resourceCount: 3 });
    markNacked(st, "bad");
    expect(st).toMatchObject({ state: "ERROR", error: "bad" });
    markSent(st, "3", "n2", 3, 2000, 2005);
    // A non-push resend before the ACK keeps the push's changedAt.
    markSent(st, "3", "n3", 4, 0, 2010);
    expect(markAcked(st, "3", 2050)).toBe(50);
    expect(st).toMatchObject({ state: "SYNCED", ackedVersion: "3", error: "", convergenceMs: 50 });
    markSent(st, "3", "n4", 4, 0, 3000);
    expect(markAcked(st, "3", 3001)).toBeUndefined();
    expect(st.convergenceMs).toBe(50);
  });

  it("classifies proxies like istiod", () => {
    expect(proxyKind(node("sidecar~10.0.0.1~a.ns~ns.svc.cluster.local"), [])).toBe("sidecar");
    expect(proxyKind(node("router~10.0.0.1~gw.ns~ns.svc.cluster.local"), [])).toBe("gateway");
    expect(proxyKind(node("x", { ROLE: "gateway" }), [])).toBe("gateway");
    expect(proxyKind(node("x", { GENERATOR: "grpc" }), [])).toBe("proxyless");
    expect(proxyKind(node("x"), ["echo.default.svc.cluster.local:7070"])).toBe("proxyless");
    expect(proxyKind(node("x"), ["0.0.0.0_15001", "virtualOutbound"])).toBe("sidecar");
  });

  it("compares subscriptions as sets", () => {
    expect(sameNames(new Set(["a", "b"]), ["b", "a", "a"])).toBe(true);
    expect(sameNames(new Set(["a"]), ["a", "b"])).toBe(false);
  });
});
