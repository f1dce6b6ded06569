// Istio duration strings ("1s", "1.5s", "250ms", "1m", "1h30m"): Istio's CRDs check them with Go's
// time.ParseDuration grammar, so we accept exactly that grammar and convert to milliseconds.

export class DurationError extends Error {
  override name = "DurationError";
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5 micro sign
  "μs": 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const WHOLE = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g;
const MAX_NS = 2n ** 63n - 1n;

/** Nanoseconds in a Go-style duration string; throws DurationError when it is not one. */
export function parseDurationNs(s: string): bigint {
  if (s === "0" || s === "+0" || s === "-0") return 0n;
  if (!WHOLE.test(s)) throw new DurationError(`invalid duration ${JSON.stringify(s)}; use a number with a unit, e.g. "1s", "1.5s", "250ms", "1m"`);
  const negative = s.startsWith("-");
  let total = 0n;
  for (const m of s.matchAll(PART)) {
    const unit = UNIT_NS[m[3]!]!;
    const whole = m[1] ? BigInt(m[1]) : 0n;
    const frac = m[2] ?? "";
    total += whole * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
    if (total > MAX_NS) throw new DurationError(`duration ${JSON.stringify(s)} is out of range`);
  }
  return negative ? -total : total;
}

/** Milliseconds in an Istio duration string ("1.5s" → 1500); throws DurationError when it is not one. */
export function parseDuration(s: string): number {
  return Number(parseDurationNs(s)) / 1e6;
}

/** Why `s` is not a valid Istio duration of at least `minMs` with millisecond precision, or undefined. */
export function durationProblem(s: string, minMs: number): string | undefined {
  let ns: bigint;
  try {
    ns = parseDurationNs(s);
  } catch (e) {
    return (e as Error).message;
  }
  if (ns < BigInt(minMs) * 1_000_000n) return minMs === 0 ? "must not be negative" : `must be at least ${minMs}ms`;
  if (ns % 1_000_000n !== 0n) return "only millisecond precision is supported";
  return undefined;
}
