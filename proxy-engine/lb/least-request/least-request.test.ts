import { describe, expect, it } from "vitest";
import { countPicks, hosts } from "../../test-util/lb-hosts";
import { createLeastRequest } from "./least-request";

describe("least request (power of two choices)", () => {
  // With 4 hosts and one of them busy, P2C picks it only when both samples hit it: 1/16 = 6.25%.
  it("avoids a busy host: it gets about 1/16 of picks, never more than 9%", () => {
    const hs = hosts(4);
    hs[0]!.stats.rq_active = 100;
    const counts = countPicks(createLeastRequest(hs), 40_000);
    expect(counts.get(hs[0]!.address)! / 40_000).toBeLessThan(0.09);
    for (const h of hs.slice(1)) expect(counts.get(h.address)! / 40_000).toBeGreaterThan(0.27);
  });

  it("spreads evenly when idle", () => {
    const hs = hosts(4);
    const counts = countPicks(createLeastRequest(hs), 40_000);
    for (const h of hs) expect(Math.abs(counts.get(h.address)! - 10_000)).toBeLessThan(600);
  });

  it("more choices avoid the busy host more", () => {
    const hs = hosts(4);
    hs[0]!.stats.rq_active = 100;
    const counts = countPicks(createLeastRequest(hs, 4), 40_000);
    expect(counts.get(hs[0]!.address)! / 40_000).toBeLessThan(0.01);
  });
});
