// Hook: runs one TapService.Observe stream at a time and folds its events into rows. Re-renders at most
// four times a second (events are bursty); Pause keeps collecting but stops re-rendering.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useCallback, useEffect, useRef, useState } from "react";
import { tapClient } from "../lib/rpc";
import { toObserveRequest, type TapQuery } from "./tap-query";
import { applyTapEvent, clearTapRows, createTapRows, type TapDrops, type TapRow } from "./tap-rows";

export type TapStatus =
  | { kind: "idle" }
  /** Asked for; the server has not yet said the tap is registered on the proxies. */
  | { kind: "starting" }
  | { kind: "streaming"; since: number }
  | { kind: "ended"; reason: string }
  | { kind: "error"; message: string };

const RENDER_INTERVAL_MS = 250;
/** A burst of events (one network read can hold hundreds) is folded in slices of about this long. */
const SLICE_MS = 8;

/** Gives the browser a turn (input, paint) between slices: a macrotask, unlike awaiting a promise. */
const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function useTap(capacity = 5000) {
  const store = useRef(createTapRows(capacity));
  const abort = useRef<AbortController | undefined>(undefined);
  const dirty = useRef(false);
  const pausedRef = useRef(false);
  const [rows, setRows] = useState<readonly TapRow[]>([]);
  const [status, setStatus] = useState<TapStatus>({ kind: "idle" });
  const [paused, setPaused] = useState(false);
  const [eventCount, setEventCount] = useState(0);
  const [drops, setDrops] = useState<TapDrops>(store.current.drops);
  const events = useRef(0);

  /** Shows what was folded in since the last render (unless paused). */
  const flush = useCallback(() => {
    if (!dirty.current || pausedRef.current) return;
    dirty.current = false;
    setRows([...store.current.rows]);
    setEventCount(events.current);
    setDrops(store.current.drops);
  }, []);

  useEffect(() => {
    const timer = setInterval(flush, RENDER_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      abort.current?.abort();
    };
  }, [flush]);

  const clear = useCallback(() => {
    clearTapRows(store.current);
    events.current = 0;
    dirty.current = true;
    setRows([]);
    setEventCount(0);
    setDrops(store.current.drops);
  }, []);

  /** Starts a new tap in place of the current one; rows from the old filter are cleared. */
  const start = useCallback((query: TapQuery) => {
    abort.current?.abort();
    clear();
    pausedRef.current = false;
    setPaused(false);
    const ac = new AbortController();
    abort.current = ac;
    setStatus({ kind: "starting" });
    void (async () => {
      try {
        let sliceStart = performance.now();
        let registered = false;
        for await (const { events: batch } of tapClient().observe(toObserveRequest(query), { signal: ac.signal })) {
          if (ac.signal.aborted) break; // replaced by a newer tap: nothing more of this one shows
          // The first message (no events) says the tap is registered: matching has started.
          if (!registered) {
            registered = true;
            setStatus({ kind: "streaming", since: Date.now() });
          }
          for (const e of batch) {
            if (performance.now() - sliceStart > SLICE_MS) {
              await yieldToBrowser();
              sliceStart = performance.now();
            }
            // Stopped or replaced (Start with a new filter clears the rows): the rest of this batch is stale.
            if (ac.signal.aborted) break;
            applyTapEvent(store.current, e, Date.now());
            events.current++;
          }
          dirty.current = true;
        }
        if (abort.current !== ac) return;
        // The last rows show together with "ended", never a render tick after it.
        flush();
        setStatus({ kind: "ended", reason: `limit of ${query.limit} requests reached` });
      } catch (err) {
        if (abort.current !== ac) return; // superseded by a newer tap
        flush();
        const ce = ConnectError.from(err);
        if (ce.code === Code.Canceled || ac.signal.aborted) setStatus({ kind: "ended", reason: "stopped" });
        else setStatus({ kind: "error", message: `${Code[ce.code] ?? ce.code}: ${ce.rawMessage}` });
      }
    })();
  }, [clear, flush]);

  const stop = useCallback(() => {
    abort.current?.abort();
  }, []);

  const togglePause = useCallback(() => {
    pausedRef.current = !pausedRef.current;
    setPaused(pausedRef.current);
  }, []);

  return { rows, status, paused, eventCount, drops, start, stop, clear, togglePause };
}
