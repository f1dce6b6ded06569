// The Top page's latency histogram and its percentiles.
import { describe, expect, it } from "vitest";
import { createHistogram, percentiles, record } from "./latency-histogram";

describe("latency histogram", () => {
  it("gives percentiles within one bucket (5 %), clamped to the exact extremes", () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) record(h, i);
    const [p50, p95, p99, p100] = percentiles(h, [0.5, 0.95, 0.99, 1]);
    expect(p50! / 500).toBeGreaterThan(0.99);
    expect(p50! / 500).toBeLessThan(1.06);
    expect(p95! / 950).toBeLessThan(1.06);
    expect(p99! / 990).toBeLessThan(1.06);
    expect(p100).toBe(1000);
  });

  it("handles empty, single and sub-microsecond samples", () => {
    expect(percentiles(createHistogram(), [0.5])).toEqual([undefined]);
    const h = createHistogram();
    record(h, 0.0001);
    record(h, Number.NaN);
    record(h, -1);
    expect(h.total).toBe(1);
    expect(percentiles(h, [0.5, 0.99])).toEqual([0.0001, 0.0001]);
  });
});
