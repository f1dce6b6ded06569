// The Top page's interactive part: the tap filter (a subset of Tap's form) and the sort, both in the URL;
// Start/Stop/Clear; a status line; and the live aggregated table with its loading, empty and error states.
"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { TapForm } from "../tap/tap-form";
import { validateQuery, type TapQuery } from "../tap/tap-query";
import { NATURAL_ORDER, RPS_WINDOW_S, sortTopRows, type TopRow, type TopSortKey } from "./top-aggregate";
import { tapHrefForRow, topQueryFromParams, topQueryToParams, type TopQuery } from "./top-query";
import { TopTable } from "./top-table";
import { useTop, type TopStatus } from "./use-top";

function statusText(s: TopStatus): string {
  switch (s.kind) {
    case "idle":
      return "Not running";
    case "starting":
      return "Starting…";
    case "streaming":
      return "Live";
    case "stopped":
      return "Stopped";
    case "error":
      return `Failed: ${s.message}`;
  }
}

export function TopView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const qsNow = params.toString();
  const fromUrl = useMemo(() => topQueryFromParams(new URLSearchParams(qsNow)), [qsNow]);
  const [draft, setDraft] = useState<TapQuery>(fromUrl.filter);
  const [running, setRunning] = useState<TapQuery>(fromUrl.filter);
  const [sortState, setSortState] = useState({ sort: fromUrl.sort, order: fromUrl.order });
  const errors = validateQuery(draft);
  const top = useTop();
  const written = useRef<string | undefined>(undefined);
  // Unmounting stops the stream; a remount (React's dev double-mount included) must start it again.
  useEffect(
    () => () => {
      written.current = undefined;
    },
    [],
  );

  const writeUrl = (q: TopQuery) => {
    const qs = topQueryToParams(q).toString();
    written.current = qs;
    // The native history API keeps useSearchParams in step without a server round trip per sort click.
    window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
  };

  // Opening the page (or following a link to another filter) starts Top with the filter in the URL.
  useEffect(() => {
    if (written.current === qsNow) return;
    written.current = qsNow;
    setDraft(fromUrl.filter);
    setRunning(fromUrl.filter);
    setSortState({ sort: fromUrl.sort, order: fromUrl.order });
    if (Object.keys(validateQuery(fromUrl.filter)).length === 0) top.start(fromUrl.filter);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [qsNow]);

  const startDraft = () => {
    if (Object.keys(errors).length > 0) return;
    writeUrl({ filter: draft, ...sortState });
    setRunning(draft);
    top.start(draft);
  };

  const onSort = (key: TopSortKey) => {
    const next = { sort: key, order: key === sortState.sort ? (sortState.order === "asc" ? ("desc" as const) : ("asc" as const)) : NATURAL_ORDER[key] };
    setSortState(next);
    writeUrl({ filter: running, ...next });
  };

  const rows = useMemo(() => sortTopRows(top.rows, sortState.sort, sortState.order), [top.rows, sortState]);
  const hrefOf = (r: TopRow) => tapHrefForRow(running, r);
  const streaming = top.status.kind === "streaming";
  const active = streaming || top.status.kind === "starting";

  return (
    <div className="tap-view top-view">
      <TapForm value={draft} errors={errors} onChange={setDraft} onSubmit={startDraft} variant="top" submitLabel="Start" />
      <div className="toolbar">
        <div className={`status-line ${top.status.kind}`} role="status" data-testid="top-status-line">
          <span className={`dot ${streaming ? "live" : ""}`} />
          {statusText(top.status)}
          <span className="muted">
            · {rows.length} rows · {top.streams.toLocaleString("en-US")} requests · RPS over the last {RPS_WINDOW_S} s
          </span>
          {(top.drops.rateLimited > 0 || top.drops.queueDropped > 0) && (
            <span className="tap2-drops" data-testid="top-drops">
              {top.drops.rateLimited > 0 && <span title="matching requests over the max RPS, not counted here">· {top.drops.rateLimited.toLocaleString("en-US")} over max RPS</span>}
              {top.drops.queueDropped > 0 && <span title="events dropped because this page read too slowly">· {top.drops.queueDropped.toLocaleString("en-US")} dropped</span>}
            </span>
          )}
        </div>
        <div className="toolbar-actions">
          <button className="btn" data-testid="top-stop" onClick={top.stop} disabled={!active}>
            Stop
          </button>
          <button className="btn" data-testid="top-clear" onClick={top.clear}>
            Clear
          </button>
        </div>
      </div>
      {top.status.kind === "error" && rows.length === 0 ? (
        <div className="empty-state" data-testid="top-error">
          <h3>Top could not start</h3>
          <p className="error-text">{top.status.message}</p>
          <button className="btn" onClick={() => top.start(running)}>
            Try again
          </button>
        </div>
      ) : rows.length === 0 ? (
        <div className="empty-state" data-testid="top-empty">
          {top.status.kind === "starting" ? (
            <>
              <h3>Starting…</h3>
              <p className="muted">Registering the tap on the mesh&apos;s proxies; counting starts once they all have it.</p>
            </>
          ) : streaming ? (
            <>
              <h3>Waiting for requests…</h3>
              <p className="muted">Requests that match the filter are counted as they finish; rows appear within a second.</p>
            </>
          ) : (
            <>
              <h3>No requests counted</h3>
              <p className="muted">Set a filter and press Start.</p>
            </>
          )}
        </div>
      ) : (
        <>
          {top.status.kind === "error" && <p className="error-text">{top.status.message} (showing the figures so far)</p>}
          <TopTable rows={rows} sort={sortState.sort} order={sortState.order} onSort={onSort} hrefOf={hrefOf} onOpen={(r) => router.push(hrefOf(r))} />
        </>
      )}
    </div>
  );
}
