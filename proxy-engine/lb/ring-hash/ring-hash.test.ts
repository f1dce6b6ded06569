import { describe, expect, it } from "vitest";
import { countPicks, hosts, randomKeys } from "../../test-util/lb-hosts";
import { createRingHash } from "./ring-hash";

describe("ring hash", () => {
  it("sends the same key to the same host", () => {
    const lb = createRingHash(hosts(5));
    for (const k of randomKeys(100)) expect(lb.pick(k)).toBe(lb.pick(k));
  });

  // A 4096-entry ring keeps each host's share within about ±15% of its fair share.
  it("spreads keys within 15% of each host's share, in proportion to weight", () => {
    const hs = hosts(4);
    const counts = countPicks(createRingHash(hs, { minimumRingSize: 4096 }), 100_000, () => (Math.random() * 0x100000000) >>> 0);
    for (const h of hs) expect(Math.abs(counts.get(h.address)! / 100_000 - 0.25)).toBeLessThan(0.25 * 0.15);
    const weighted = hosts(2, [1, 3]);
    const wc = countPicks(createRingHash(weighted, { minimumRingSize: 4096 }), 100_000, () => (Math.random() * 0x100000000) >>> 0);
    expect(Math.abs(wc.get(weighted[1]!.address)! / 100_000 - 0.75)).toBeLessThan(0.06);
  });

  it("moves only the departed host's keys (about 1/N) when one of N hosts leaves", () => {
    const all = hosts(5);
    const before = createRingHash(all);
    const after = createRingHash(all.slice(0, 4));
    const keys = randomKeys(50_000);
    let moved = 0;
    let movedElsewhere = 0;
    for (const k of keys) {
      const a = before.pick(k)!;
      if (a.address !== after.pick(k)!.address) {
        moved++;
        if (a !== all[4]) movedElsewhere++;
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.1);
    expect(moved / keys.length).toBeLessThan(0.3);
    expect(movedElsewhere).toBe(0);
  });
});
