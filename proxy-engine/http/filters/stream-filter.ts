// The stream filter contract, in MOSN's phases: BeforeRoute, AfterRoute (may ask to re-match the route),
// AfterChooseHost, and OnResponse (response headers). A phase returns "continue", or "stop" and later calls
// ctx.resume() (e.g. an injected delay), or ends the stream with ctx.reply().

import type { OutgoingHttpHeaders } from "node:http";
import type { ActiveStream } from "../active-stream";
import { responseDestroyed } from "../downstream";
import type { MatchInput } from "../../router/request-matcher";

export type FilterStatus = "continue" | "stop" | "rematch";

export interface FilterContext {
  readonly s: ActiveStream;
  readonly input: MatchInput;
  /** Ends the stream with a local reply; the chain stops. */
  reply(status: number, body: string | undefined, flag: string, headers?: OutgoingHttpHeaders): void;
  /** Continues the chain after a phase returned "stop". */
  resume(): void;
}

export interface StreamFilter {
  readonly name: string;
  beforeRoute?(ctx: FilterContext): FilterStatus;
  afterRoute?(ctx: FilterContext): FilterStatus;
  afterChooseHost?(ctx: FilterContext): FilterStatus;
  /**
   * Mutates the response headers before they are sent (proxied and local replies alike). Runs in reverse
   * chain order, as Envoy's encoder filters do: the first filter sees the headers last, as they are sent.
   */
  onResponseHeaders?(s: ActiveStream, status: number, headers: OutgoingHttpHeaders): void;
  /** The stream is over (finished or reset); flags and byte counts are final. */
  onStreamEnd?(s: ActiveStream): void;
}

export type Phase = "beforeRoute" | "afterRoute" | "afterChooseHost";

/**
 * Runs `phase` of each filter from `from`, then `done`. A "stop" parks the chain until ctx.resume();
 * a "rematch" (AfterRoute only) calls `rematch` and restarts AfterRoute from the first filter.
 */
export function runPhase(filters: readonly StreamFilter[], phase: Phase, ctx: FilterContext & { parked?: () => void }, done: () => void, rematch?: () => void, from = 0): void {
  for (let i = from; i < filters.length; i++) {
    const fn = filters[i]![phase];
    if (!fn) continue;
    const status = fn.call(filters[i], ctx);
    if (ctx.s.res.headersSent || responseDestroyed(ctx.s.res)) return;
    if (status === "stop") {
      ctx.parked = () => runPhase(filters, phase, ctx, done, rematch, i + 1);
      return;
    }
    if (status === "rematch" && phase === "afterRoute" && rematch) {
      rematch();
      return runPhase(filters, phase, ctx, done, undefined, 0);
    }
  }
  done();
}

/** Every filter's OnResponse phase, last filter first (Envoy's encoder order). */
export function runResponseHeaders(s: ActiveStream, status: number, headers: OutgoingHttpHeaders): void {
  const { filters } = s;
  for (let i = filters.length - 1; i >= 0; i--) filters[i]!.onResponseHeaders?.(s, status, headers);
}
