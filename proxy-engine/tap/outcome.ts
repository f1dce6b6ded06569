// Outcome filters (status classes and codes, minimum latency, errors only): what Linkerd's tap cannot do,
// because its proxy decides at request time (linkerd2#10951). A tap with an outcome holds a stream's events
// until its end, then emits all three or none.

import type { Outcome } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { TapMatchError } from "./match";

export interface StreamOutcome {
  /** HTTP status sent downstream; 0 when none was (reset before headers). */
  status: number;
  /** Request start to response end. */
  latencyMs: number;
  responseFlags: string;
  grpcStatus: number | undefined;
  reset: boolean;
}

export type OutcomePredicate = (o: StreamOutcome) => boolean;

/** Undefined when the outcome filters nothing. Throws TapMatchError naming the invalid field. */
export function compileOutcome(outcome: Outcome | undefined, path = "outcome"): OutcomePredicate | undefined {
  if (!outcome) return undefined;
  const classes = outcome.statusClasses;
  const codes = outcome.statusCodes;
  classes.forEach((c, i) => {
    if (c < 1 || c > 5) throw new TapMatchError(`${path}.status_classes[${i}]`, `must be 1 to 5 (1xx to 5xx), got ${c}`);
  });
  codes.forEach((c, i) => {
    if (c < 100 || c > 599) throw new TapMatchError(`${path}.status_codes[${i}]`, `must be an HTTP status 100 to 599, got ${c}`);
  });
  const d = outcome.minLatency;
  let minMs = 0;
  if (d) {
    if (d.seconds < 0n || d.nanos < 0) throw new TapMatchError(`${path}.min_latency`, "must not be negative");
    minMs = Number(d.seconds) * 1000 + d.nanos / 1e6;
  }
  const errorsOnly = outcome.errorsOnly;
  if (!classes.length && !codes.length && minMs === 0 && !errorsOnly) return undefined;
  const classSet = new Set(classes);
  const codeSet = new Set(codes);
  // Classes and codes widen each other (5xx or 404); the other filters narrow.
  const byStatus = classSet.size !== 0 || codeSet.size !== 0;
  return (o) => {
    if (byStatus && !classSet.has(Math.floor(o.status / 100)) && !codeSet.has(o.status)) return false;
    if (o.latencyMs < minMs) return false;
    if (errorsOnly && !isError(o)) return false;
    return true;
  };
}

/** 5xx, a reset, a gRPC status other than OK, or any Envoy response flag. */
export function isError(o: StreamOutcome): boolean {
  return o.status >= 500 || o.status === 0 || o.reset || (o.grpcStatus !== undefined && o.grpcStatus !== 0) || o.responseFlags !== "";
}
