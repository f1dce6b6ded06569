// One active tap: a compiled predicate, a request limit shared by every proxy it is registered with,
// and a sink for its events. It completes once the limit is used up and every tapped stream has ended.

import type { TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { TapPredicate } from "./match";
import type { TapRequestInfo } from "./tap-request";

export interface ActiveTap {
  readonly extractHeaders: boolean;
  matches(info: TapRequestInfo): boolean;
  /** Takes one request from the limit; false once the limit is used up or the tap is closed. */
  claim(): boolean;
  emit(event: TapEvent): void;
  /** Called once per claimed request when its stream ends (normally or not). */
  release(): void;
}

export interface TapOptions {
  limit: number;
  match: TapPredicate;
  extractHeaders: boolean;
  emit(event: TapEvent): void;
  /** Called once, when the limit is used up and the last tapped stream has ended. */
  onComplete(): void;
}

export interface Tap extends ActiveTap {
  /** Stops claiming new requests; in-flight streams still report their end. */
  close(): void;
  readonly tapped: number;
}

export function createTap(opts: TapOptions): Tap {
  let remaining = opts.limit;
  let inFlight = 0;
  let closed = false;
  let completed = false;
  const maybeComplete = () => {
    if (!completed && (remaining === 0 || closed) && inFlight === 0) {
      completed = true;
      opts.onComplete();
    }
  };
  return {
    extractHeaders: opts.extractHeaders,
    matches: opts.match,
    claim() {
      if (closed || remaining === 0) return false;
      remaining--;
      inFlight++;
      return true;
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
  };
}
