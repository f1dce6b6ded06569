// Exponential backoff with full jitter (AWS's "full jitter"; what gRPC and Envoy use for xDS reconnects):
// attempt n waits a uniform random time in [0, min(max, base * 2^n)).

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Uniform random in [0, 1); injectable for tests. */
  random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; each call doubles the ceiling up to maxMs. */
  next(): number;
  /** The ceiling the next call draws under. */
  ceiling(): number;
  /** Back to baseMs (after a stream that got a response). */
  reset(): void;
}

export const DEFAULT_BACKOFF = { baseMs: 250, maxMs: 30_000 } as const;

export function createBackoff(opts: BackoffOptions = {}): Backoff {
  const base = Math.max(1, opts.baseMs ?? DEFAULT_BACKOFF.baseMs);
  const max = Math.max(base, opts.maxMs ?? DEFAULT_BACKOFF.maxMs);
  const random = opts.random ?? Math.random;
  let attempt = 0;
  const ceiling = () => Math.min(max, base * 2 ** Math.min(attempt, 52));
  return {
    next() {
      const delay = Math.floor(random() * ceiling());
      attempt++;
      return delay;
    },
    ceiling,
    reset() {
      attempt = 0;
    },
  };
}
