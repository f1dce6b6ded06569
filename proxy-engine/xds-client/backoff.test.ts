// Full-jitter exponential backoff: ceilings double from base to max, delays are drawn under them.

import { describe, expect, it } from "vitest";
import { createBackoff } from "./backoff";

describe("backoff", () => {
  it("doubles the ceiling from base up to max and draws the delay uniformly under it", () => {
    const b = createBackoff({ baseMs: 250, maxMs: 2000, random: () => 0.999 });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([249, 499, 999, 1998, 1998, 1998]);
    const z = createBackoff({ random: () => 0 });
    expect([z.next(), z.next()]).toEqual([0, 0]);
  });

  it("defaults to 250 ms and 5 s, and reset() starts over", () => {
    const b = createBackoff({ random: () => 0.5 });
    expect(b.ceiling()).toBe(250);
    for (let i = 0; i < 20; i++) b.next();
    expect(b.ceiling()).toBe(5_000);
    b.reset();
    expect(b.next()).toBe(125);
  });

  it("stays within [0, ceiling) with real randomness", () => {
    const b = createBackoff({ baseMs: 10, maxMs: 80 });
    for (let i = 0; i < 50; i++) {
      const c = b.ceiling();
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(c);
    }
  });
});
