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

/**
 * Envoy caps its xDS reconnect backoff at 30 s. Here the cap is 5 s: after a control-plane restart the
 * proxies are SYNCED again within seconds rather than anywhere up to half a minute (the reliability run
 * measured 9–25 s with 30 s), and a few hundred proxies retrying every few seconds cost a control plane
 * nothing (full jitter spreads them).
 */
export const DEFAULT_BACKOFF = { baseMs: 250, maxMs: 5_000 } as const;

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
