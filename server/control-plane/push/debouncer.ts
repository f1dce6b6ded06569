// Pilot's push debounce: a push waits until changes have been quiet for `afterMs` (PILOT_DEBOUNCE_AFTER,
// 100 ms) or `maxMs` (PILOT_DEBOUNCE_MAX, 10 s) has passed since the first change, merging every
// request in between. Only one push runs at a time; requests during a push merge into the next one.

import type { PushRequest, XdsType } from "../../xds/xds-types";

export interface DebounceOptions {
  afterMs: number;
  maxMs: number;
  fire: (req: PushRequest) => Promise<void>;
  /** Called with how long the merged request waited (pilot_debounce_time) and how many it merged. */
  onFire?: (waitedMs: number, merged: number) => void;
  onError?: (e: unknown) => void;
}

export interface Debouncer {
  request(req: PushRequest): void;
  /** Resolves when nothing is pending or pushing. */
  idle(): Promise<void>;
  stop(): void;
}

export function mergePushRequests(a: PushRequest, b: PushRequest): PushRequest {
  const types = new Set<XdsType>([...a.types, ...b.types]);
  const reason = a.reason === b.reason ? a.reason : `${a.reason}; ${b.reason}`;
  return { types, changedAt: Math.min(a.changedAt, b.changedAt), reason: reason.length > 300 ? `${reason.slice(0, 297)}...` : reason };
}

export function createDebouncer(opts: DebounceOptions): Debouncer {
  let pending: PushRequest | undefined;
  let merged = 0;
  let firstAt = 0;
  let lastAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let pushing: Promise<void> | undefined;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  function settleIdle() {
    if (pending || pushing) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  }

  function schedule() {
    clearTimeout(timer);
    if (stopped || !pending || pushing) return;
    const now = Date.now();
    const due = Math.min(lastAt + opts.afterMs, firstAt + opts.maxMs);
    timer = setTimeout(tick, Math.max(0, due - now));
  }

  function tick() {
    if (stopped || !pending || pushing) return;
    const now = Date.now();
    // Node timers may fire a little early; re-arm rather than push before the quiet period ends.
    if (now < lastAt + opts.afterMs && now < firstAt + opts.maxMs) return schedule();
    const req = pending;
    const count = merged;
    pending = undefined;
    merged = 0;
    opts.onFire?.(now - firstAt, count);
    pushing = opts
      .fire(req)
      .catch((e: unknown) => opts.onError?.(e))
      .finally(() => {
        pushing = undefined;
        schedule();
        settleIdle();
      });
  }

  return {
    request(req) {
      if (stopped) return;
      const now = Date.now();
      if (!pending) {
        pending = req;
        firstAt = now;
      } else pending = mergePushRequests(pending, req);
      merged++;
      lastAt = now;
      schedule();
    },
    idle() {
      if (!pending && !pushing) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      pending = undefined;
      settleIdle();
    },
  };
}
