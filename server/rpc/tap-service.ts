// TapService: turns an ObserveRequest into one tap registered on every proxy in its scope, and streams its
// events in batches through a bounded queue, with a Drops event (queue overflow, max_rps) at most once a
// second while dropping and once at the end. The first message is empty: it says the tap is registered.
// The tap is unregistered the moment the caller goes away or the runtime stops.

import { create, toBinary } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { ObserveResponseSchema, ProxyDirection, TapEventSchema, type ObserveRequest } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { TapService } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { compileOutcome, compileTapMatch, createTap, MAX_BODY_BYTES, selectProxies, TapMatchError, TapScopeError, type Proxy, type Tap, type TapEventBytes } from "../../proxy-engine";
import { createEventQueue } from "./event-queue";
import { observeResponse } from "./tap-wire";

export const MAX_TAP_LIMIT = 100_000;
/** max_rps when the request leaves it 0 (Linkerd's dashboard default). */
export const DEFAULT_TAP_MAX_RPS = 100;
export const MAX_TAP_MAX_RPS = 100_000;
/** Events buffered per subscriber before new ones are dropped (a slow browser never grows memory). */
const QUEUE_CAPACITY = 10_000;
/**
 * Past this many queued events (the subscriber is behind), an event is queued as a copy: the proxy hands
 * out views of shared slabs (proxy-engine/tap/tap-wire.ts), and each view queued keeps its whole slab
 * alive, which the byte bound does not see. A subscriber's queue so keeps at most this many slabs (16 MiB
 * of 64 KiB slabs, in the worst case of every view on a different one).
 */
export const QUEUE_VIEWS = 256;

/** What a subscriber's queue keeps of an event: the proxy's view while fewer than QUEUE_VIEWS are queued, else a copy. */
export function queueable(e: TapEventBytes, queued: number): TapEventBytes {
  return queued < QUEUE_VIEWS ? e : e.slice();
}
/** And their size: bodies (up to 64 KiB each) and headers (up to 16 KiB) make events of very different sizes. */
export const QUEUE_MAX_BYTES = 32 * 1024 * 1024;

/** An encoded event's size in memory: its bytes (headers and body captures included) and the view on them. */
export function tapEventBytes(e: TapEventBytes): number {
  return e.length + 96;
}
const DROPS_INTERVAL_MS = 1000;
/**
 * How long events gather into one message (event-queue.ts): too short for a person watching to notice, and
 * long enough that a busy tap's stream is a few dozen messages a second rather than one per event-loop turn.
 * Past that, what streaming costs the proxy is the bytes: 1 MiB batches measured no cheaper than 128 KiB.
 */
export const TAP_LINGER_MS = 50;
/** Most events, and bytes, in one message: a batch of body captures stays far below clients' message limits (4 MiB in gRPC). */
const MAX_BATCH_EVENTS = 4096;
const MAX_BATCH_BYTES = 128 * 1024;

export interface TapServiceDeps {
  proxies(): readonly Proxy[];
  stopping: AbortSignal;
  /** Overrides for tests. */
  queueCapacity?: number;
  queueMaxBytes?: number;
  dropsIntervalMs?: number;
  lingerMs?: number;
}

/** Content types whose codec is protobuf binary (Connect, gRPC, gRPC-web); the rest are JSON. */
const BINARY_CONTENT_TYPE = /^application\/(?:connect\+proto|grpc(?:-web)?(?:\+proto)?)\s*(?:;|$)/i;

function invalid(path: string, reason: string): ConnectError {
  return new ConnectError(`${path}: ${reason}`, Code.InvalidArgument);
}

/** Checks every field and compiles what the tap needs; throws InvalidArgument or NotFound naming the field. */
function compileRequest(req: ObserveRequest, proxies: readonly Proxy[]) {
  if (req.limit === 0) throw invalid("limit", "must be greater than 0");
  if (req.limit > MAX_TAP_LIMIT) throw invalid("limit", `must be at most ${MAX_TAP_LIMIT}, got ${req.limit}`);
  if (req.maxRps > MAX_TAP_MAX_RPS) throw invalid("max_rps", `must be at most ${MAX_TAP_MAX_RPS}, got ${req.maxRps}`);
  if (req.bodyBytes > MAX_BODY_BYTES) throw invalid("body_bytes", `must be at most ${MAX_BODY_BYTES}, got ${req.bodyBytes}`);
  const direction = req.scope?.direction ?? ProxyDirection.UNSPECIFIED;
  if (!(direction in ProxyDirection)) throw invalid("scope.direction", `unknown direction ${direction}`);
  try {
    return { match: compileTapMatch(req.match), outcome: compileOutcome(req.outcome), direction, targets: selectProxies(proxies, req.scope) };
  } catch (e) {
    if (e instanceof TapMatchError) throw new ConnectError(e.message, Code.InvalidArgument);
    if (e instanceof TapScopeError) throw new ConnectError(e.message, e.notFound ? Code.NotFound : Code.InvalidArgument);
    throw e;
  }
}

export function createTapService(deps: TapServiceDeps): ServiceImpl<typeof TapService> {
  return {
    async *observe(req, ctx) {
      const { match, outcome, direction, targets } = compileRequest(req, deps.proxies());
      if (deps.stopping.aborted) throw new ConnectError("server is shutting down", Code.Unavailable);
      // Events go out in batches (what arrived within TAP_LINGER_MS, see event-queue.ts). The proxies encode
      // each event once (proxy-engine/tap/tap-wire.ts); binary clients get a batch's bytes copied into the
      // message, JSON clients get the events decoded (tap-wire.ts).
      // (Called directly, as some tests do, with no request headers: the events as they are.)
      const requestHeader = ctx.requestHeader as Headers | undefined;
      const binary = BINARY_CONTENT_TYPE.test(requestHeader?.get("content-type") ?? "");
      const queue = createEventQueue<TapEventBytes>(deps.queueCapacity ?? QUEUE_CAPACITY, {
        maxBatch: MAX_BATCH_EVENTS,
        bytes: { maxBytes: deps.queueMaxBytes ?? QUEUE_MAX_BYTES, sizeOf: tapEventBytes, maxBatchBytes: MAX_BATCH_BYTES },
        lingerMs: deps.lingerMs ?? TAP_LINGER_MS,
      });
      let reported = { queue: 0, rate: 0 };
      const reportDrops = (final: boolean) => {
        const now = { queue: queue.dropped, rate: tap.rateLimited };
        const changed = now.queue !== reported.queue || now.rate !== reported.rate;
        if (!(final ? now.queue + now.rate > 0 : changed)) return;
        reported = now;
        queue.pushAlways(toBinary(TapEventSchema, create(TapEventSchema, { event: { case: "drops", value: { queueDropped: BigInt(now.queue), rateLimited: BigInt(now.rate) } } })));
      };
      const ticker = setInterval(() => reportDrops(false), deps.dropsIntervalMs ?? DROPS_INTERVAL_MS);
      ticker.unref();
      let unregister: (() => void)[] = [];
      /** No more requests are claimed, and the tap leaves every proxy at once (none spends time matching it). */
      const stop = () => {
        clearInterval(ticker);
        tap.close();
        for (const u of unregister) u();
      };
      // The limit is used up or the server is stopping: what is queued still reaches the subscriber.
      const finish = () => {
        stop();
        reportDrops(true);
        queue.close();
      };
      const tap: Tap = createTap({
        limit: req.limit,
        match,
        outcome,
        direction,
        maxRps: req.maxRps || DEFAULT_TAP_MAX_RPS,
        bodyBytes: req.bodyBytes,
        extractHeaders: req.extract?.extract.case === "http",
        emit: (e) => queue.push(queueable(e, queue.size)),
        onComplete: finish,
      });
      unregister = targets.map((p) => p.taps.register(tap));
      // A subscriber that leaves frees its tap at once: the generator may be parked at a `yield` whose write
      // to the dead connection never completes, so its `finally` cannot be what unregisters the tap.
      const leave = () => {
        stop();
        queue.abandon();
      };
      ctx.signal.addEventListener("abort", leave);
      deps.stopping.addEventListener("abort", finish);
      try {
        // First, a message with no events: the tap is registered on every proxy in scope, so the client
        // can say so (and send traffic) instead of guessing when matching starts.
        yield create(ObserveResponseSchema, {});
        for await (const events of queue) {
          if (ctx.signal.aborted) break;
          yield observeResponse(events, binary);
        }
      } finally {
        ctx.signal.removeEventListener("abort", leave);
        deps.stopping.removeEventListener("abort", finish);
        stop();
      }
    },
  };
}
