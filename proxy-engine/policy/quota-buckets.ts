// Mixer memquota's buckets: max_amount tokens per distinct dimension tuple, refilled in full every
// valid_duration. Refills are computed from timestamps when a bucket is touched (no timers); the map is
// bounded, evicting by second chance (CLOCK, an LRU approximation): a take only marks its bucket, and a full
// map walks from its oldest insertion, moving marked buckets to the back, until it finds an unmarked one.
// So the hot path is one Map lookup, and eviction is amortized O(1).

export const MAX_BUCKETS = 10_000;

export interface QuotaBucket {
  readonly key: string;
  tokens: number;
  /** Start of the current window (epoch ms). */
  windowStart: number;
  throttled: number;
  /** Taken from since eviction last passed it (CLOCK's reference bit). */
  touched: boolean;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterS: number; bucket: QuotaBucket };

export interface QuotaBuckets {
  readonly maxAmount: number;
  readonly validMs: number;
  /** Takes one token from `key`'s bucket. */
  take(key: string, now: number): TakeResult;
  size(): number;
  /** The buckets with the fewest tokens left (as of `now`), at most `n`. */
  busiest(n: number, now: number): { key: string; tokens: number; throttled: number }[];
  clear(): void;
}

const OK: TakeResult = Object.freeze({ ok: true });

export function createQuotaBuckets(maxAmount: number, validMs: number, maxBuckets = MAX_BUCKETS): QuotaBuckets {
  const buckets = new Map<string, QuotaBucket>();
  /** Tokens as of `now`, without changing the bucket. */
  const tokensAt = (b: QuotaBucket, now: number) => (now - b.windowStart >= validMs ? maxAmount : b.tokens);
  function evictOne(): void {
    for (const b of buckets.values()) {
      buckets.delete(b.key);
      if (!b.touched) return;
      // Second chance: to the back, unmarked.
      b.touched = false;
      buckets.set(b.key, b);
    }
  }
  return {
    maxAmount,
    validMs,
    take(key, now) {
      let b = buckets.get(key);
      if (b === undefined) {
        if (buckets.size >= maxBuckets) evictOne();
        b = { key, tokens: maxAmount, windowStart: now, throttled: 0, touched: false };
        buckets.set(key, b);
      } else {
        b.touched = true;
        const elapsed = now - b.windowStart;
        if (elapsed >= validMs) {
          b.tokens = maxAmount;
          b.windowStart += Math.floor(elapsed / validMs) * validMs;
        }
      }
      if (b.tokens >= 1) {
        b.tokens--;
        return OK;
      }
      b.throttled++;
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((b.windowStart + validMs - now) / 1000)), bucket: b };
    },
    size: () => buckets.size,
    busiest(n, now) {
      const all = [...buckets.values()].map((b) => ({ key: b.key, tokens: tokensAt(b, now), throttled: b.throttled }));
      all.sort((a, b) => a.tokens - b.tokens || b.throttled - a.throttled);
      return all.slice(0, n);
    },
    clear: () => buckets.clear(),
  };
}
