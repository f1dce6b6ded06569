import { describe, expect, it } from "vitest";
import { countPicks, hosts, randomKeys } from "../../test-util/lb-hosts";
import { createMaglev, isPrime } from "./maglev";

describe("maglev", () => {
  it("balances the table almost exactly: each host within 2% of its share", () => {
    const hs = hosts(4);
    const counts = countPicks(createMaglev(hs), 100_000, () => (Math.random() * 0x100000000) >>> 0);
    for (const h of hs) expect(Math.abs(counts.get(h.address)! / 100_000 - 0.25)).toBeLessThan(0.25 * 0.08);
    const weighted = hosts(2, [1, 3]);
    const wc = countPicks(createMaglev(weighted), 100_000, () => (Math.random() * 0x100000000) >>> 0);
    expect(Math.abs(wc.get(weighted[1]!.address)! / 100_000 - 0.75)).toBeLessThan(0.03);
  });

  it("moves about 1/N of keys when one of N hosts leaves", () => {
    const all = hosts(5);
    const before = createMaglev(all);
    const after = createMaglev(all.slice(0, 4));
    const keys = randomKeys(50_000);
    let moved = 0;
    for (const k of keys) if (before.pick(k)!.address !== after.pick(k)!.address) moved++;
    // Ideal is 0.2; Maglev trades a little extra disruption for perfect balance.
    expect(moved / keys.length).toBeGreaterThan(0.15);
    expect(moved / keys.length).toBeLessThan(0.3);
  });

  it("knows a prime table size", () => {
    expect(isPrime(65537)).toBe(true);
    expect(isPrime(65536)).toBe(false);
  });
});
