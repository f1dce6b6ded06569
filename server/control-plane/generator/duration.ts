// Parses Istio duration strings ("1s", "1.5s", "250ms", "1m", "1h") into google.protobuf.Duration messages.
// Our own tiny parser, so the generator does not depend on the rules validator's helpers.

import { create } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when `text` is not an Istio duration. */
export function parseIstioDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function durationFromMs(ms: number): Duration {
  const whole = Math.floor(ms / 1000);
  const nanos = Math.round((ms - whole * 1000) * 1e6);
  return create(DurationSchema, { seconds: BigInt(whole), nanos });
}

/** A Duration for an Istio string; undefined for absent or unparsable input (the validator rejects those). */
export function istioDuration(text: string | undefined): Duration | undefined {
  if (text === undefined) return undefined;
  const ms = parseIstioDurationMs(text);
  return ms === undefined ? undefined : durationFromMs(ms);
}
