// The live-update line of the Proxies pages: "Live", or a degraded banner (the error, how old the data
// is, when the stream reconnects) with a button to reconnect now.
"use client";

import type { WatchState } from "../lib/use-proxies";
import { formatAgo, formatClock } from "./proxy-status";

export function WatchBanner({ watch, updatedAt, now, onReconnect }: { watch: WatchState; updatedAt: number | undefined; now: number; onReconnect(): void }) {
  if (watch.kind === "degraded") {
    const wait = Math.max(0, Math.ceil((watch.retryAt - now) / 1000));
    return (
      <div className="px-banner degraded" role="alert" data-testid="proxies-degraded">
        <div>
          <strong>Live updates interrupted.</strong> {updatedAt ? `Showing the status as of ${formatClock(updatedAt)} (${formatAgo(updatedAt, now)}); it may be out of date.` : "No status received yet."}
          <div className="px-banner-detail mono">
            {watch.message} · {wait > 0 ? `reconnecting in ${wait}s` : "reconnecting…"} (attempt {watch.attempt})
          </div>
        </div>
        <button className="btn" onClick={onReconnect}>
          Reconnect now
        </button>
      </div>
    );
  }
  return (
    <div className="status-line px-live" role="status" data-testid="proxies-live" data-state={watch.kind}>
      <span className={`dot ${watch.kind === "live" ? "live" : ""}`} />
      {watch.kind === "live" ? "Live" : "Connecting to live updates…"}
      {updatedAt !== undefined && <span className="muted">· updated {formatClock(updatedAt)}</span>}
    </div>
  );
}
