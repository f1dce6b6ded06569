import { describe, expect, it } from "vitest";
import { countPicks, hosts } from "../../test-util/lb-hosts";
import { createRandom } from "./random";

describe("random", () => {
  // 60,000 picks: each count is binomial with sd ≤ ~120, so ±5% of the expected count is over 8 sd.
  it("splits by weight within 5% of the expected share", () => {
    const hs = hosts(3, [1, 2, 3]);
    const counts = countPicks(createRandom(hs), 60_000);
    hs.forEach((h, i) => expect(Math.abs(counts.get(h.address)! / 10_000 - (i + 1))).toBeLessThan(0.05 * (i + 1)));
  });

  it("is uniform for equal weights", () => {
    const hs = hosts(4);
    const counts = countPicks(createRandom(hs), 40_000);
    for (const h of hs) expect(Math.abs(counts.get(h.address)! - 10_000)).toBeLessThan(500);
  });
});
