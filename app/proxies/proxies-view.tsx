// The Proxies page's live part: summary counts, the live/degraded line, a filter, and the proxy-status
// table, fed by useProxies (ListProxies first, then the WatchProxies stream).
"use client";

import { useMemo, useState } from "react";
import { useProxies } from "../lib/use-proxies";
import { ProxySummary } from "./proxy-summary";
import { ProxyTable } from "./proxy-table";
import { filterProxies, summarize, type OverallState } from "./proxy-status";
import { useNow } from "./use-now";
import { WatchBanner } from "./watch-banner";

export function ProxiesView() {
  const { proxies, isPending, error, watch, updatedAt, reconnect } = useProxies();
  const now = useNow(1000);
  const [text, setText] = useState("");
  const [state, setState] = useState<OverallState | undefined>();
  const summary = useMemo(() => summarize(proxies ?? []), [proxies]);
  const shown = useMemo(() => filterProxies(proxies ?? [], { text, state }), [proxies, text, state]);

  if (isPending) {
    return (
      <div className="loading" data-testid="proxies-loading">
        Loading proxies…
      </div>
    );
  }
  if (!proxies) {
    return (
      <div className="empty-state" data-testid="proxies-error">
        <h3>Could not load proxies</h3>
        <p className="error-text">{error?.message ?? "no answer from the server"}</p>
        <WatchBanner watch={watch} updatedAt={updatedAt} now={now} onReconnect={reconnect} />
      </div>
    );
  }
  return (
    <div className="px-view">
      <WatchBanner watch={watch} updatedAt={updatedAt} now={now} onReconnect={reconnect} />
      {proxies.length === 0 ? (
        <div className="empty-state" data-testid="proxies-empty">
          <h3>No proxies yet</h3>
          <p className="muted">
            No proxy runs in this process and none is connected to the control plane. Point an Envoy or a proxyless gRPC client at the xDS port and it appears here.
          </p>
        </div>
      ) : (
        <>
          <div className="px-toolbar">
            <ProxySummary summary={summary} selected={state} onSelect={setState} />
            <input className="px-filter" type="search" placeholder="Filter by name, role or version" aria-label="Filter proxies" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          {shown.length === 0 ? (
            <div className="empty-state" data-testid="proxies-none-match">
              <h3>No proxy matches the filter</h3>
              <button
                className="btn"
                onClick={() => {
                  setText("");
                  setState(undefined);
                }}
              >
                Clear the filter
              </button>
            </div>
          ) : (
            <ProxyTable proxies={shown} now={now} />
          )}
        </>
      )}
    </div>
  );
}
