// Mixer memquota buckets: full refill per window from timestamps, Retry-After, and the LRU bound.

import { describe, expect, it } from "vitest";
import { createQuotaBuckets } from "./quota-buckets";

describe("quota buckets", () => {
  it("allows max_amount per window, then says when the window refills", () => {
    const q = createQuotaBuckets(3, 60_000);
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => q.take("u=a", t0).ok)).toEqual([true, true, true]);
    const r = q.take("u=a", t0 + 10_500);
    expect(r).toMatchObject({ ok: false, retryAfterS: 50 });
    expect(q.take("u=a", t0 + 59_999)).toMatchObject({ ok: false, retryAfterS: 1 });
    // Another key has its own bucket.
    expect(q.take("u=b", t0 + 1).ok).toBe(true);
    // A new window: full again, and windows stay aligned to the first use.
    expect(q.take("u=a", t0 + 60_000).ok).toBe(true);
    expect(q.take("u=a", t0 + 150_000).ok).toBe(true);
    expect(q.take("u=a", t0 + 150_001).ok).toBe(true);
    expect(q.take("u=a", t0 + 150_002).ok).toBe(true);
    expect(q.take("u=a", t0 + 150_003)).toMatchObject({ ok: false, retryAfterS: 30 });
  });

  it("never answers Retry-After below 1 second", () => {
    const q = createQuotaBuckets(1, 200);
    q.take("k", 0);
    expect(q.take("k", 150)).toMatchObject({ ok: false, retryAfterS: 1 });
  });

  it("keeps at most maxBuckets, evicting by second chance: a bucket taken from since outlives one that was not", () => {
    const q = createQuotaBuckets(1, 60_000, 3);
    q.take("a", 0);
    q.take("b", 1);
    q.take("c", 2);
    expect(q.take("a", 3).ok).toBe(false); // touches a: b is now the oldest
    q.take("d", 4);
    expect(q.size()).toBe(3);
    expect(q.take("a", 5).ok).toBe(false); // a survived
    expect(q.take("b", 6).ok).toBe(true); // b was evicted and starts full
  });

  it("evicts in amortized constant time when every bucket was touched", () => {
    const q = createQuotaBuckets(5, 60_000, 1000);
    for (let i = 0; i < 1000; i++) q.take(`k${i}`, 0);
    for (let i = 0; i < 1000; i++) q.take(`k${i}`, 1);
    // The first eviction clears every mark in one pass (then drops k0); the next ones each drop the
    // oldest at once. New buckets are unmarked, so the old ones go first.
    for (let i = 0; i < 1000; i++) q.take(`n${i}`, 2);
    expect(q.size()).toBe(1000);
    expect(q.busiest(1000, 3).every((b) => b.key.startsWith("n"))).toBe(true);
  });

  it("lists the busiest buckets first, as of now", () => {
    const q = createQuotaBuckets(2, 1000);
    q.take("a", 0);
    q.take("b", 0);
    q.take("b", 0);
    q.take("b", 0);
    expect(q.busiest(5, 10)).toEqual([
      { key: "b", tokens: 0, throttled: 1 },
      { key: "a", tokens: 1, throttled: 0 },
    ]);
    // Both refilled: the one that was throttled comes first.
    expect(q.busiest(1, 1000)).toEqual([{ key: "b", tokens: 2, throttled: 1 }]);
  });
});
