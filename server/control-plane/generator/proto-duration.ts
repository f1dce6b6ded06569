// Builds google.protobuf.Duration messages for the generator; Istio duration strings are parsed by the
// rules' parser (../rules/duration), so the generator accepts exactly what the validator accepts.

import { create } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";
import { DurationError, parseDurationNs } from "../rules/duration";

const NS_PER_S = 1_000_000_000n;

/** A Duration of `ns` nanoseconds (seconds and nanos share the sign, as protobuf requires). */
export function durationFromNs(ns: bigint): Duration {
  return create(DurationSchema, { seconds: ns / NS_PER_S, nanos: Number(ns % NS_PER_S) });
}

/** A Duration of a whole number of milliseconds. */
export function durationFromMs(ms: number): Duration {
  return durationFromNs(BigInt(Math.round(ms)) * 1_000_000n);
}

/** A Duration for an Istio string; undefined for absent or unparsable input (the validator rejects those). */
export function istioDuration(text: string | undefined): Duration | undefined {
  if (text === undefined) return undefined;
  try {
    return durationFromNs(parseDurationNs(text.trim()));
  } catch (e) {
    if (e instanceof DurationError) return undefined;
    throw e;
  }
}
