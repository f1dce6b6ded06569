// The Tap page's interactive part: the form (state mirrored in the URL), Start/Stop/Pause/Clear,
// status line, live table and the selected request's detail. Starts tapping as soon as it opens.
"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { TapDetail } from "./tap-detail";
import { TapForm } from "./tap-form";
import { queryFromParams, queryToParams, validateQuery, type TapQuery } from "./tap-query";
import { TapRateChart } from "./tap-rate-chart";
import { TapTable } from "./tap-table";
import { useTap, type TapStatus } from "./use-tap";

function StatusLine({ status, paused, rows, events }: { status: TapStatus; paused: boolean; rows: number; events: number }) {
  const text =
    status.kind === "idle"
      ? "Not tapping"
      : status.kind === "streaming"
        ? paused
          ? "Paused (still collecting)"
          : "Tapping live"
        : status.kind === "ended"
          ? `Tap ended: ${status.reason}`
          : `Tap failed: ${status.message}`;
  return (
    <div className={`status-line ${status.kind}`} data-testid="tap-status-line" role="status">
      <span className={`dot ${status.kind === "streaming" && !paused ? "live" : ""}`} />
      {text}
      <span className="muted">
        · {rows} streams · {events} events
      </span>
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

  // Opening the page (or a shared link) starts the tap it describes.
  useEffect(() => {
    if (Object.keys(validateQuery(fromUrl)).length === 0) tap.start(fromUrl);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const startDraft = () => {
    if (Object.keys(errors).length > 0) return;
    const qs = queryToParams(draft).toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    setSelected(undefined);
    tap.start(draft);
  };

  const streaming = tap.status.kind === "streaming";
  const selectedRow = selected ? tap.rows.find((r) => r.key === selected) : undefined;
  return (
    <div className="tap-view">
      <TapForm value={draft} errors={errors} onChange={setDraft} onSubmit={startDraft} />
      <div className="toolbar">
        <StatusLine status={tap.status} paused={tap.paused} rows={tap.rows.length} events={tap.eventCount} />
        <div className="toolbar-actions">
          <button className="btn" data-testid="tap-stop" onClick={tap.stop} disabled={!streaming}>
            Stop
          </button>
          <button className="btn" onClick={tap.togglePause} disabled={!streaming}>
            {tap.paused ? "Resume" : "Pause"}
          </button>
          <button className="btn" onClick={tap.clear}>
            Clear
          </button>
        </div>
      </div>
      {tap.rows.length > 0 && <TapRateChart rows={tap.rows} />}
      {tap.rows.length === 0 ? (
        <div className="empty-state" data-testid="tap-empty">
          {streaming ? (
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
