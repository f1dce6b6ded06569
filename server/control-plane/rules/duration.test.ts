// Istio duration strings: Go's ParseDuration grammar, milliseconds out, and Istio's >= 1ms / ms-precision rules.

import { describe, expect, it } from "vitest";
import { DurationError, durationProblem, parseDuration } from "./duration";

describe("parseDuration", () => {
  it.each([
    ["1s", 1000],
    ["1.5s", 1500],
    ["0.5s", 500],
    [".5s", 500],
    ["1.1s", 1100],
    ["250ms", 250],
    ["1m", 60_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["2m0.5s", 120_500],
    ["100us", 0.1],
    ["100µs", 0.1],
    ["1500000ns", 1.5],
    ["0", 0],
    ["-1s", -1000],
  ])("%s is %d ms", (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });

  it.each(["", "1", "s", "1 s", "1sec", "1S", "abc", "-", "1.5", "1s ", "1d", "1..5s"])("rejects %j", (s) => {
    expect(() => parseDuration(s)).toThrow(DurationError);
  });

  it("rejects durations beyond Go's range", () => {
    expect(() => parseDuration("9999999999h")).toThrow("out of range");
  });
});

describe("durationProblem", () => {
  it("explains the format", () => {
    expect(durationProblem("10", 1)).toBe('invalid duration "10"; use a number with a unit, e.g. "1s", "1.5s", "250ms", "1m"');
  });
  it("enforces the minimum and millisecond precision, as Istio does", () => {
    expect(durationProblem("0s", 1)).toBe("must be at least 1ms");
    expect(durationProblem("0s", 0)).toBeUndefined();
    expect(durationProblem("-1s", 0)).toBe("must not be negative");
    expect(durationProblem("1.5ms", 1)).toBe("only millisecond precision is supported");
    expect(durationProblem("1ms", 1)).toBeUndefined();
  });
});
