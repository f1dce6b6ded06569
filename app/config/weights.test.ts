// Weight helpers: the live sum and the three ways to make it 100.
import { describe, expect, it } from "vitest";
import { allTo, evenSplit, rebalance, weightSum } from "./weights";

describe("weights", () => {
  it("sums typed weights, blanks count as 0", () => {
    expect(weightSum(["50", "30", "20"])).toBe(100);
    expect(weightSum(["50", "", "x"])).toBe(50);
  });

  it("splits evenly with integer shares that add to 100", () => {
    expect(evenSplit(3)).toEqual(["34", "33", "33"]);
    expect(evenSplit(1)).toEqual(["100"]);
    expect(weightSum(evenSplit(7))).toBe(100);
  });

  it("rebalances proportionally, and evenly when everything is zero", () => {
    expect(rebalance(["50", "30", "10"])).toEqual(["56", "33", "11"]);
    expect(weightSum(rebalance(["1", "1", "1"]))).toBe(100);
    expect(rebalance(["0", "0"])).toEqual(["50", "50"]);
    expect(rebalance(["200", "-5"])).toEqual(["100", "0"]);
  });

  it("sends everything to one destination", () => {
    expect(allTo(3, 2)).toEqual(["0", "0", "100"]);
  });
});
