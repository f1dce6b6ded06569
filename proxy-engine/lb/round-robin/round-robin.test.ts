import { describe, expect, it } from "vitest";
import { countPicks, hosts } from "../../test-util/lb-hosts";
import { createRoundRobin } from "./round-robin";

describe("round robin", () => {
  it("visits every host once per cycle when weights are equal", () => {
    const lb = createRoundRobin(hosts(3));
    const first = [lb.pick(), lb.pick(), lb.pick()].map((h) => h!.address);
    expect([...first].sort()).toEqual(["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"]);
    expect([lb.pick(), lb.pick(), lb.pick()].map((h) => h!.address)).toEqual(first);
  });

  it("splits exactly by weight (to within one pick per host) and interleaves smoothly", () => {
    const hs = hosts(3, [1, 2, 3]);
    const lb = createRoundRobin(hs);
    const counts = countPicks(lb, 6000);
    expect(Math.abs(counts.get(hs[0]!.address)! - 1000)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.get(hs[1]!.address)! - 2000)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.get(hs[2]!.address)! - 3000)).toBeLessThanOrEqual(1);
    // Smooth: the heaviest host (half the weight) never takes more than 2 picks in a row.
    let run = 0;
    let longest = 0;
    for (let i = 0; i < 600; i++) {
      run = lb.pick() === hs[2] ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThanOrEqual(2);
  });

  it("returns undefined for an empty cluster", () => {
    expect(createRoundRobin(hosts(0)).pick()).toBeUndefined();
  });
});
