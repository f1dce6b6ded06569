// Priority failover with the overprovisioning factor, the panic threshold and locality weighting, with
// stated statistical bounds (20,000 picks: a share's standard deviation is under 0.4 points).

import { describe, expect, it } from "vitest";
import { createRoundRobin } from "../lb/round-robin/round-robin";
import type { Endpoint } from "./cluster";
import { buildHostSetLb } from "./host-set-lb";

function ep(address: string, priority: number, opts: { zone?: string; localityWeight?: number } = {}): Endpoint {
  return {
    host: "127.0.0.1",
    port: 1,
    address,
    weight: 1,
    locality: { region: "r", zone: opts.zone ?? "z", subZone: "" },
    localityWeight: opts.localityWeight ?? 1,
    priority,
    edsHealth: "HEALTHY",
    edsUnhealthy: false,
    stats: { rq_total: 0, rq_success: 0, rq_error: 0, rq_active: 0, cx_connect_fail: 0, cx_total: 0, cx_active: 0 },
    outlier: { consecutive5xx: 0, consecutiveGatewayFailure: 0, consecutiveLocalOriginFailure: 0, intervalRequests: 0, intervalSuccesses: 0, ejections: 0, ejectedUntil: 0 },
    activeHealth: { failed: false, pending: false, timedOut: false, consecutiveFailures: 0, consecutiveSuccesses: 0 },
  };
}

const panic = { value: 0, name: "panic" };

function shares(endpoints: Endpoint[], unhealthy: Set<string>, opts = { panicThreshold: 50, localityWeighted: false }): Record<string, number> {
  const lb = buildHostSetLb(endpoints, (e) => !unhealthy.has(e.address), (hs) => createRoundRobin(hs), opts, panic);
  const counts: Record<string, number> = {};
  for (let i = 0; i < 20_000; i++) {
    const a = lb.pick()!.address;
    counts[a] = (counts[a] ?? 0) + 1;
  }
  for (const k of Object.keys(counts)) counts[k] = counts[k]! / 20_000;
  return counts;
}

describe("host set load balancing", () => {
  const hosts = [ep("p0-a", 0), ep("p0-b", 0), ep("p1-a", 1)];

  it("keeps all traffic on priority 0 while it is healthy", () => {
    expect(shares(hosts, new Set())["p1-a"]).toBeUndefined();
  });

  it("spills to priority 1 as priority 0 loses health: 1 of 2 down gives P0 70%, P1 30%", () => {
    const s = shares(hosts, new Set(["p0-b"]));
    expect(Math.abs(s["p0-a"]! - 0.7)).toBeLessThan(0.02);
    expect(Math.abs(s["p1-a"]! - 0.3)).toBeLessThan(0.02);
    expect(s["p0-b"]).toBeUndefined();
  });

  it("fails over entirely when priority 0 is down", () => {
    expect(shares(hosts, new Set(["p0-a", "p0-b"]))).toEqual({ "p1-a": 1 });
  });

  it("balances over every host of a level below the panic threshold", () => {
    const five = [0, 1, 2, 3, 4].map((i) => ep(`h${i}`, 0));
    const before = panic.value;
    const s = shares(five, new Set(["h0", "h1", "h2", "h3"]));
    // 1 of 5 healthy (20% < 50%): panic, so all five take traffic.
    expect(Object.keys(s).sort()).toEqual(["h0", "h1", "h2", "h3", "h4"]);
    expect(panic.value).toBeGreaterThan(before);
  });

  it("weights localities by load_balancing_weight, scaled by their health", () => {
    const l = [ep("z1", 0, { zone: "z1", localityWeight: 1 }), ep("z2", 0, { zone: "z2", localityWeight: 3 })];
    const s = shares(l, new Set(), { panicThreshold: 0, localityWeighted: true });
    expect(Math.abs(s.z2! - 0.75)).toBeLessThan(0.02);
  });
});
