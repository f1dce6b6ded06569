// TapService: turns an ObserveRequest into one tap registered on every proxy, and streams its events
// through a bounded queue. The tap is unregistered the moment the caller goes away or the runtime stops.

import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import type { TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { TapService } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { compileTapMatch, createTap, TapMatchError, type Proxy } from "../../proxy-engine";
import { createEventQueue } from "./event-queue";

export const MAX_TAP_LIMIT = 100_000;
/** Events buffered per subscriber before new ones are dropped (a slow browser never grows memory). */
const QUEUE_CAPACITY = 10_000;

export interface TapServiceDeps {
  proxies(): readonly Proxy[];
  stopping: AbortSignal;
}

export function createTapService(deps: TapServiceDeps): ServiceImpl<typeof TapService> {
  return {
    async *observe(req, ctx) {
      if (req.limit === 0) throw new ConnectError("limit: must be greater than 0", Code.InvalidArgument);
      if (req.limit > MAX_TAP_LIMIT) throw new ConnectError(`limit: must be at most ${MAX_TAP_LIMIT}, got ${req.limit}`, Code.InvalidArgument);
      let match;
      try {
        match = compileTapMatch(req.match);
      } catch (e) {
        if (e instanceof TapMatchError) throw new ConnectError(e.message, Code.InvalidArgument);
        throw e;
      }
      if (deps.stopping.aborted) throw new ConnectError("server is shutting down", Code.Unavailable);
      const queue = createEventQueue<TapEvent>(QUEUE_CAPACITY);
      const tap = createTap({
        limit: req.limit,
        match,
        extractHeaders: req.extract?.extract.case === "http",
        emit: (e) => queue.push(e),
        onComplete: () => queue.close(),
      });
      const unregister = deps.proxies().map((p) => p.taps.register(tap));
      const end = () => {
        tap.close();
        queue.close();
      };
      ctx.signal.addEventListener("abort", end);
      deps.stopping.addEventListener("abort", end);
      try {
        for await (const event of queue) {
          if (ctx.signal.aborted) break;
          yield event;
        }
      } finally {
        ctx.signal.removeEventListener("abort", end);
        deps.stopping.removeEventListener("abort", end);
        tap.close();
        for (const u of unregister) u();
      }
    },
  };
}
