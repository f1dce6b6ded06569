// A token bucket for a tap's max_rps. One bucket per tap, shared by every proxy the tap is registered on,
// so the sample is unbiased across proxies (Linkerd instead splits max_rps into per-proxy windows, which
// over-samples quiet proxies and starves busy ones, linkerd2#1525). It holds at most one second of tokens.

export interface TokenBucket {
  /** Takes one token; false when the rate is used up. */
  take(): boolean;
}

/** `ratePerSecond` 0 means unlimited. `now` is in milliseconds (performance.now() by default). */
export function createTokenBucket(ratePerSecond: number, now: () => number = () => performance.now()): TokenBucket {
  if (ratePerSecond <= 0) return { take: () => true };
  const capacity = Math.max(1, ratePerSecond);
  const perMs = ratePerSecond / 1000;
  let tokens = capacity;
  let last = now();
  return {
    take() {
      const t = now();
      if (t > last) {
        tokens = Math.min(capacity, tokens + (t - last) * perMs);
        last = t;
      }
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
