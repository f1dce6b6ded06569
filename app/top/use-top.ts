// Hook: runs a TapService.Observe stream for the Top page and folds each finished stream into the
// aggregate. When a stream reaches its limit another one continues it, so Top runs until stopped. Renders
// at most once a second (events are bursty, and RPS needs a tick even when nothing arrives).
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useCallback, useEffect, useRef, useState } from "react";
import { tapClient } from "../lib/rpc";
import { MAX_LIMIT, toObserveRequest, type TapQuery } from "../tap/tap-query";
import { mergeEvent, newRow, streamKey, type TapDrops, type TapRow } from "../tap/tap-rows";
import { addStream, createTopAggregate, snapshot, type TopRow } from "./top-aggregate";

export type TopStatus =
  | { kind: "idle" }
  /** Asked for; the server has not yet said the tap is registered on the proxies. */
  | { kind: "starting" }
  | { kind: "streaming"; since: number }
  | { kind: "stopped" }
  | { kind: "error"; message: string };

const RENDER_INTERVAL_MS = 1000;
/** Streams seen but not finished yet; the oldest are forgotten beyond this. */
const MAX_OPEN = 10_000;
const RESTART_DELAY_MS = 300;

export function useTop() {
  const agg = useRef(createTopAggregate(Date.now()));
  const open = useRef(new Map<string, TapRow>());
  const abort = useRef<AbortController | undefined>(undefined);
  const dropsRef = useRef<TapDrops>({ queueDropped: 0, rateLimited: 0 });
  const [rows, setRows] = useState<readonly TopRow[]>([]);
  const [streams, setStreams] = useState(0);
  const [drops, setDrops] = useState<TapDrops>(dropsRef.current);
  const [status, setStatus] = useState<TopStatus>({ kind: "idle" });

  useEffect(() => {
    const timer = setInterval(() => {
      // Nothing to show and nothing shown: skip the render.
      if (agg.current.rows.size === 0 && dropsRef.current.queueDropped + dropsRef.current.rateLimited === 0) return;
      setRows(snapshot(agg.current, Date.now()));
      setStreams(agg.current.streams);
      setDrops(dropsRef.current);
    }, RENDER_INTERVAL_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => () => abort.current?.abort(), []);

  const clear = useCallback(() => {
    agg.current = createTopAggregate(Date.now());
    open.current.clear();
    dropsRef.current = { queueDropped: 0, rateLimited: 0 };
    setRows([]);
    setStreams(0);
    setDrops(dropsRef.current);
  }, []);

  const start = useCallback(
    (query: TapQuery) => {
      abort.current?.abort();
      clear();
      const ac = new AbortController();
      abort.current = ac;
      setStatus({ kind: "starting" });
      const request = toObserveRequest({ ...query, limit: MAX_LIMIT, bodyBytes: 0 });
      void (async () => {
        // Per-stream drop totals restart with each Observe call; keep what earlier calls reported.
        let carried: TapDrops = { queueDropped: 0, rateLimited: 0 };
        let registered = false;
        try {
          while (!ac.signal.aborted) {
            let last: TapDrops = { queueDropped: 0, rateLimited: 0 };
            for await (const { events } of tapClient().observe(request, { signal: ac.signal })) {
              if (ac.signal.aborted) break; // replaced by a newer tap: nothing more of this one shows
              // The first message (no events) says the tap is registered: counting has started.
              if (!registered) {
                registered = true;
                setStatus({ kind: "streaming", since: Date.now() });
              }
              for (const e of events) {
                // Stopped or replaced (Start with a new filter clears the rows): the rest of this batch is stale.
                if (ac.signal.aborted) break;
                const ev = e.event;
                if (ev.case === "drops") {
                  last = { queueDropped: Number(ev.value.queueDropped), rateLimited: Number(ev.value.rateLimited) };
                  dropsRef.current = { queueDropped: carried.queueDropped + last.queueDropped, rateLimited: carried.rateLimited + last.rateLimited };
                  continue;
                }
                const key = streamKey(e);
                if (key === undefined) continue;
                let row = open.current.get(key);
                if (!row) {
                  row = newRow(key, e, Date.now());
                  open.current.set(key, row);
                  if (open.current.size > MAX_OPEN) open.current.delete(open.current.keys().next().value!);
                }
                mergeEvent(row, e);
                if (ev.case === "responseEnd") {
                  open.current.delete(key);
                  addStream(agg.current, row, Date.now());
                }
              }
            }
            carried = { queueDropped: carried.queueDropped + last.queueDropped, rateLimited: carried.rateLimited + last.rateLimited };
            // The limit was reached: carry on with a new stream after a breath.
            await new Promise((r) => setTimeout(r, RESTART_DELAY_MS));
          }
        } catch (err) {
          if (abort.current !== ac) return;
          const ce = ConnectError.from(err);
          if (ce.code === Code.Canceled || ac.signal.aborted) setStatus({ kind: "stopped" });
          else setStatus({ kind: "error", message: `${Code[ce.code] ?? ce.code}: ${ce.rawMessage}` });
          return;
        }
        if (abort.current === ac) setStatus({ kind: "stopped" });
      })();
    },
    [clear],
  );

  const stop = useCallback(() => {
    abort.current?.abort();
    setStatus((s) => (s.kind === "streaming" || s.kind === "starting" ? { kind: "stopped" } : s));
  }, []);

  return { rows, streams, drops, status, start, stop, clear };
}
