// Tests for the Istio duration parser.
import { describe, expect, it } from "vitest";
import { durationFromMs, istioDuration, parseIstioDurationMs } from "./duration";

describe("istio durations", () => {
  it("parses s, ms, m, h and fractions", () => {
    expect(parseIstioDurationMs("1s")).toBe(1000);
    expect(parseIstioDurationMs("1.5s")).toBe(1500);
    expect(parseIstioDurationMs("250ms")).toBe(250);
    expect(parseIstioDurationMs("1m")).toBe(60_000);
    expect(parseIstioDurationMs("1h")).toBe(3_600_000);
    expect(parseIstioDurationMs("abc")).toBeUndefined();
    expect(parseIstioDurationMs("5")).toBeUndefined();
  });

  it("builds Duration messages with seconds as bigint and nanos", () => {
    const d = istioDuration("1.5s")!;
    expect(d.seconds).toBe(1n);
    expect(d.nanos).toBe(500_000_000);
    expect(durationFromMs(250)).toMatchObject({ seconds: 0n, nanos: 250_000_000 });
    expect(istioDuration(undefined)).toBeUndefined();
  });
});
