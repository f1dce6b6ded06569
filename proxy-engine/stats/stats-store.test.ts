import { describe, expect, it } from "vitest";
import { createHistogram, quantile } from "./stats-store";

describe("histogram", () => {
  it("buckets values by upper bound and estimates quantiles within the bucket", () => {
    const h = createHistogram("t", [10, 100, 1000]);
    for (let i = 0; i < 90; i++) h.record(5);
    for (let i = 0; i < 10; i++) h.record(500);
    expect(h.counts).toEqual([90, 0, 10, 0]);
    expect(h.count).toBe(100);
    expect(h.sum).toBe(90 * 5 + 10 * 500);
    expect(quantile(h, 0.5)).toBeLessThanOrEqual(10);
    expect(quantile(h, 0.99)).toBeGreaterThan(100);
    expect(quantile(h, 0.99)).toBeLessThanOrEqual(1000);
    expect(quantile(createHistogram("e"), 0.5)).toBeNaN();
  });
});
