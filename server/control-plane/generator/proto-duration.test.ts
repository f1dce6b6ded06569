// Tests for building google.protobuf.Duration messages from Istio duration strings (parsed by the rules' parser).
import { describe, expect, it } from "vitest";
import { durationFromMs, durationFromNs, istioDuration } from "./proto-duration";

describe("proto durations", () => {
  it("builds Duration messages with seconds as bigint and nanos", () => {
    expect(istioDuration("1.5s")).toMatchObject({ seconds: 1n, nanos: 500_000_000 });
    expect(istioDuration("250ms")).toMatchObject({ seconds: 0n, nanos: 250_000_000 });
    expect(istioDuration("1h30m")).toMatchObject({ seconds: 5400n, nanos: 0 });
    expect(istioDuration("0")).toMatchObject({ seconds: 0n, nanos: 0 });
    expect(durationFromMs(10_000)).toMatchObject({ seconds: 10n, nanos: 0 });
    expect(durationFromNs(-1_500_000_000n)).toMatchObject({ seconds: -1n, nanos: -500_000_000 });
  });

  it("returns undefined for absent or invalid strings", () => {
    expect(istioDuration(undefined)).toBeUndefined();
    expect(istioDuration("abc")).toBeUndefined();
    expect(istioDuration("5")).toBeUndefined();
  });
});
