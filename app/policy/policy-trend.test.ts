// Per-interval denials and throttles from polled totals: deltas, a window, and counters that start over.
import { describe, expect, it } from "vitest";
import { addSample, trendPoints, type TotalsSample } from "./policy-trend";

describe("policy trend", () => {
  it("turns totals into what happened in each interval", () => {
    const s: TotalsSample[] = [{ t: 0, denied: 1, throttled: 0 }, { t: 2000, denied: 4, throttled: 0 }, { t: 4000, denied: 4, throttled: 2 }, { t: 6000, denied: 1, throttled: 2 }];
    expect(trendPoints(s)).toEqual([{ t: 2000, denied: 3, throttled: 0 }, { t: 4000, denied: 0, throttled: 2 }, { t: 6000, denied: 1, throttled: 0 }]);
    expect(trendPoints(s.slice(0, 1))).toEqual([]);
  });

  it("keeps the window plus one baseline sample, and ignores a sample that is not newer", () => {
    let s: TotalsSample[] = [];
    for (let t = 0; t <= 10_000; t += 2000) s = addSample(s, { t, denied: t, throttled: 0 }, 5000);
    expect(s.map((x) => x.t)).toEqual([4000, 6000, 8000, 10_000]);
    expect(addSample(s, { t: 10_000, denied: 0, throttled: 0 }, 5000)).toEqual(s);
  });
});
