// The Tap page's interactive part: the form (state mirrored in the URL), Start/Stop/Pause/Clear, status
// line with drop counts, JSON/HAR export, live table and the selected stream's detail. Starts tapping as
// soon as it opens.
"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { TapDetail } from "./tap-detail";
import { downloadText, exportFilename, toHar, toJsonExport } from "./tap-export";
import { TapForm } from "./tap-form";
import { queryFromParams, queryToParams, validateQuery, type TapQuery } from "./tap-query";
import { TapRateChart } from "./tap-rate-chart";
import { TapTable } from "./tap-table";
import type { TapDrops } from "./tap-rows";
import { useTap, type TapStatus } from "./use-tap";

function StatusLine({ status, paused, rows, events, drops }: { status: TapStatus; paused: boolean; rows: number; events: number; drops: TapDrops }) {
  const text =
    status.kind === "idle"
      ? "Not tapping"
      : status.kind === "starting"
        ? "Starting the tap…"
        : status.kind === "streaming"
        ? paused
          ? "Paused (still collecting)"
          : "Tapping live"
        : status.kind === "ended"
          ? `Tap ended: ${status.reason}`
          : `Tap failed: ${status.message}`;
  const pausedNote = paused && status.kind !== "streaming" ? " (table paused: Resume shows the latest)" : "";
  return (
    <div className={`status-line ${status.kind}`} data-testid="tap-status-line" role="status">
      <span className={`dot ${status.kind === "streaming" && !paused ? "live" : ""}`} />
      {text}
      {pausedNote}
      <span className="muted">
        · {rows} streams · {events} events
      </span>
      {(drops.rateLimited > 0 || drops.queueDropped > 0) && (
        <span className="tap2-drops" data-testid="tap-drops">
          {drops.rateLimited > 0 && <span title="matching requests over the tap's max RPS, counted but not streamed">· {drops.rateLimited.toLocaleString("en-US")} over max RPS</span>}
          {drops.queueDropped > 0 && <span title="events the server dropped because this page read too slowly">· {drops.queueDropped.toLocaleString("en-US")} dropped (slow reader)</span>}
        </span>
      )}
    </div>
  );
}

export function TapView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const fromUrl = useMemo(() => queryFromParams(new URLSearchParams(params.toString())), [params]);
  const [draft, setDraft] = useState<TapQuery>(fromUrl);
  const [selected, setSelected] = useState<string | undefined>();
  const errors = validateQuery(draft);
  const tap = useTap();
  // The chart mounts with the tap, before any rows arrive (an empty minute until they do): mounting recharts
  // when the first rows of a firehose arrived made one long task (over 100 ms) of the chart and the table.
  const showChart = tap.status.kind !== "idle" || tap.rows.length > 0;

  // Opening the page (or a shared link) starts the tap it describes; so does a link to another tap while
  // the page is open (the URL changes without this page writing it).
  const written = useRef<string | undefined>(undefined);
  // Unmounting stops the stream; a remount (React's dev double-mount included) must start it again.
  useEffect(
    () => () => {
      written.current = undefined;
    },
    [],
  );
  const qsNow = params.toString();
  useEffect(() => {
    if (written.current === qsNow) return;
    written.current = qsNow;
    setDraft(fromUrl);
    setSelected(undefined);
    if (Object.keys(validateQuery(fromUrl)).length === 0) tap.start(fromUrl);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [qsNow]);

  const startDraft = () => {
    if (Object.keys(errors).length > 0) return;
    const qs = queryToParams(draft).toString();
    written.current = qs;
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    setSelected(undefined);
    tap.start(draft);
  };

  const streaming = tap.status.kind === "streaming";
  const running = streaming || tap.status.kind === "starting";
  const selectedRow = selected ? tap.rows.find((r) => r.key === selected) : undefined;
  return (
    <div className="tap-view">
      <TapForm value={draft} errors={errors} onChange={setDraft} onSubmit={startDraft} />
      <div className="toolbar">
        <StatusLine status={tap.status} paused={tap.paused} rows={tap.rows.length} events={tap.eventCount} drops={tap.drops} />
        <div className="toolbar-actions">
          <button className="btn" data-testid="tap-stop" onClick={tap.stop} disabled={!running}>
            Stop
          </button>
          <button className="btn" data-testid="tap-pause" onClick={tap.togglePause} disabled={!streaming && !tap.paused} title="keeps collecting while the table stands still">
            {tap.paused ? "Resume" : "Pause"}
          </button>
          <button className="btn" data-testid="tap-clear" onClick={tap.clear}>
            Clear
          </button>
          <button className="btn" data-testid="tap-export-json" disabled={tap.rows.length === 0} title="the streams in the table, merged, as JSON" onClick={() => downloadText(exportFilename("json"), "application/json", toJsonExport(tap.rows))}>
            Export JSON
          </button>
          <button className="btn" data-testid="tap-export-har" disabled={tap.rows.length === 0} title="the streams in the table as an HTTP Archive (HAR 1.2)" onClick={() => downloadText(exportFilename("har"), "application/json", toHar(tap.rows))}>
            Export HAR
          </button>
        </div>
      </div>
      {showChart && <TapRateChart rows={tap.rows} />}
      {tap.rows.length === 0 ? (
        <div className="empty-state" data-testid="tap-empty">
          {tap.status.kind === "starting" ? (
            <>
              <h3>Starting the tap…</h3>
              <p className="muted">Registering it on the mesh&apos;s proxies; matching starts once they all have it.</p>
            </>
          ) : streaming ? (
            <>
              <h3>Waiting for matching requests…</h3>
              <p className="muted">Requests through the mesh that match the filter appear here as they happen.</p>
            </>
          ) : tap.status.kind === "error" ? (
            <>
              <h3>The tap could not start</h3>
              <p className="error-text">{tap.status.message}</p>
            </>
          ) : (
            <>
              <h3>No requests captured</h3>
              <p className="muted">Set a filter and press Start.</p>
            </>
          )}
        </div>
      ) : (
        <TapTable rows={tap.rows} selected={selected} onSelect={setSelected} />
      )}
      {selectedRow && <TapDetail row={selectedRow} onClose={() => setSelected(undefined)} />}
    </div>
  );
}
