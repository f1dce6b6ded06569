// One active tap: a compiled predicate, a request limit and a max_rps token bucket shared by every proxy it
// is registered with, optional outcome filters, and a sink for its events. It completes once the limit is
// used up and every stream it still reports on has ended.

import { ProxyDirection } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { TapPredicate } from "./match";
import type { OutcomePredicate } from "./outcome";
import { createTokenBucket } from "./token-bucket";
import type { TapRequestInfo } from "./tap-request";
import type { TapEventBytes } from "./tap-wire";

export interface ActiveTap {
  readonly extractHeaders: boolean;
  /** Bytes of each request and response body to capture; 0 = none. */
  readonly bodyBytes: number;
  /** Only traffic of this direction; UNSPECIFIED = both. */
  readonly direction: ProxyDirection;
  /** When set, a stream's events are held until its end and emitted only if it passes. */
  readonly outcome: OutcomePredicate | undefined;
  matches(info: TapRequestInfo): boolean | undefined;
  /**
   * Admits a request at request time; false once the limit is used up or the tap is closed. Without an
   * outcome it takes one request from the limit and one token (false, counted, over max_rps); with one it
   * only holds the stream, and commit() takes them at the end.
   */
  claim(): boolean;
  /** With an outcome: a held stream passed; takes one request from the limit and one token. */
  commit(): boolean;
  /** A TapEvent, encoded (tap-wire.ts): the same bytes for every tap on the stream, never modified. */
  emit(event: TapEventBytes): void;
  /** Called once per claimed request when its stream ends (normally or not). */
  release(): void;
}

export interface TapOptions {
  limit: number;
  match: TapPredicate;
  extractHeaders: boolean;
  emit(event: TapEventBytes): void;
  /** Called once, when the limit is used up (or the tap closed) and the last reported stream has ended. */
  onComplete(): void;
  /** Most requests per second streamed, across every proxy; 0 or unset = unlimited. */
  maxRps?: number;
  bodyBytes?: number;
  direction?: ProxyDirection;
  outcome?: OutcomePredicate;
  /** Clock in milliseconds, for the token bucket (tests). */
  now?: () => number;
}

export interface Tap extends ActiveTap {
  /** Stops claiming new requests; in-flight streams still report their end. */
  close(): void;
  readonly tapped: number;
  /** Requests that matched but were over max_rps, so far. */
  readonly rateLimited: number;
}

export function createTap(opts: TapOptions): Tap {
  const bucket = createTokenBucket(opts.maxRps ?? 0, opts.now);
  const held = opts.outcome !== undefined;
  let remaining = opts.limit;
  let inFlight = 0;
  let closed = false;
  let completed = false;
  let rateLimited = 0;
  const maybeComplete = () => {
    // Held streams are only candidates: once the limit is reached they would never be emitted.
    if (!completed && (remaining === 0 || closed) && (inFlight === 0 || held)) {
      completed = true;
      opts.onComplete();
    }
  };
  const take = () => {
    if (closed || remaining === 0) return false;
    if (!bucket.take()) {
      rateLimited++;
      return false;
    }
    remaining--;
    return true;
  };
  return {
    extractHeaders: opts.extractHeaders,
    bodyBytes: opts.bodyBytes ?? 0,
    direction: opts.direction ?? ProxyDirection.UNSPECIFIED,
    outcome: opts.outcome,
    matches: opts.match,
    claim() {
      if (held ? closed || remaining === 0 : !take()) return false;
      inFlight++;
      return true;
    },
    commit() {
      return !completed && take();
    },
    emit(event) {
      if (!completed) opts.emit(event);
    },
    release() {
      inFlight--;
      maybeComplete();
    },
    close() {
      closed = true;
      maybeComplete();
    },
    get tapped() {
      return opts.limit - remaining;
    },
    get rateLimited() {
      return rateLimited;
    },
  };
}
