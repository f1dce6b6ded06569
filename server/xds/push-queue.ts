// Bounded concurrency for pushes (Istio's PILOT_PUSH_THROTTLE): at most `limit` proxies are being
// generated for and written to at once; the rest wait their turn in FIFO order.

export interface PushQueue {
  /** Runs `task` when a slot is free; resolves or rejects with it. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now, and waiting. */
  readonly active: number;
  readonly waiting: number;
}

export function createPushQueue(limit: number): PushQueue {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`push concurrency must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) {
      active++;
      next();
    }
  };

  return {
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
    async run(task) {
      if (active < limit) active++;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
