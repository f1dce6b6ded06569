// The max_rps token bucket: a second of burst, continuous refill, unlimited at 0.
import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./token-bucket";

describe("token bucket", () => {
  it("allows max_rps per second, refilling continuously", () => {
    let now = 0;
    const b = createTokenBucket(4, () => now);
    expect([b.take(), b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, true, false]);
    now += 250; // a quarter second buys one token
    expect([b.take(), b.take()]).toEqual([true, false]);
    now += 10_000; // never more than one second's worth
    expect(Array.from({ length: 6 }, () => b.take()).filter(Boolean)).toHaveLength(4);
  });

  it("is unlimited at 0", () => {
    const b = createTokenBucket(0, () => 0);
    for (let i = 0; i < 1000; i++) expect(b.take()).toBe(true);
  });
});
