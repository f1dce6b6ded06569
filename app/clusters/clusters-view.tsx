// The Clusters page's interactive part: proxy selector and search (kept in the URL), live rows from
// ClusterService.WatchClusters, and the virtualized, sortable table; loading, empty and error states.
"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { shortProxy } from "../components/traffic-format";
import { ClusterTable } from "./cluster-table";
import { NATURAL_DIR, queryFromParams, queryToParams, visibleRows, type ClusterQuery, type SortKey } from "./cluster-rows";
import { useClusterList } from "./use-cluster-list";

export function ClustersView() {
  const params = useSearchParams();
  const pathname = usePathname();
  const query = useMemo(() => queryFromParams(new URLSearchParams(params.toString())), [params]);
  const [search, setSearch] = useState(query.search);
  const deferredSearch = useDeferredValue(search);

  // The URL follows the view without a navigation (no server round trip per keystroke).
  const setQuery = (next: ClusterQuery) => {
    const qs = queryToParams(next).toString();
    window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
  };
  useEffect(() => {
    if (search === query.search) return;
    const t = setTimeout(() => setQuery({ ...query, search }), 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const list = useClusterList(query.proxy);
  const all = list.rows;
  const rows = useMemo(() => (all ? visibleRows(all, { search: deferredSearch, sort: query.sort, dir: query.dir }) : []), [all, deferredSearch, query.sort, query.dir]);
  const onSort = (key: SortKey) => setQuery({ ...query, search, sort: key, dir: key === query.sort ? (query.dir === "asc" ? "desc" : "asc") : NATURAL_DIR[key] });

  const unhealthy = useMemo(() => all?.filter((r) => r.total > 0 && r.healthy < r.total).length ?? 0, [all]);
  const proxies = list.proxies.length ? list.proxies : query.proxy ? [query.proxy] : [];
  const state = list.state;

  return (
    <div className="cl-view">
      <div className="cl-toolbar">
        <label className="field">
          <span>Proxy</span>
          <select name="proxy" data-testid="cl-proxy" value={query.proxy} onChange={(e) => setQuery({ ...query, search, proxy: e.target.value })}>
            <option value="">All proxies</option>
            {proxies.map((p) => (
              <option key={p} value={p}>
                {shortProxy(p)}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Search</span>
          <input name="q" type="search" data-testid="cl-search" placeholder="reviews v2, inbound, productpage…" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        {all && (
          <div className="cl-counts" role="status" data-testid="cl-count">
            <strong>{rows.length.toLocaleString("en-US")}</strong>
            {rows.length !== all.length && <> of {all.length.toLocaleString("en-US")}</>} clusters
            {unhealthy > 0 && <span className="cl-level-warn"> · {unhealthy} with unhealthy endpoints</span>}
            <span className="muted"> · traffic over the last {Math.round(list.windowMs / 1000)} s</span>
            {state.kind === "live" && (
              <span className="muted">
                {" "}
                · <span className="dot live cl-inline-dot" /> live
              </span>
            )}
          </div>
        )}
      </div>
      {state.kind === "retrying" && all && <div className="cl-stale cl-level-warn">Live updates lost ({state.message}); reconnecting. Showing the last rows.</div>}
      {all === undefined ? (
        state.kind === "retrying" ? (
          <div className="empty-state">
            <h3>Could not load clusters</h3>
            <p className="error-text">{state.message}</p>
            <p className="muted">Retrying…</p>
          </div>
        ) : (
          <div className="loading">Loading clusters…</div>
        )
      ) : state.kind === "failed" ? (
        <div className="empty-state">
          <h3>Could not load clusters</h3>
          <p className="error-text">{state.message}</p>
          <button className="btn" onClick={() => setQuery({ ...query, search, proxy: "" })}>
            Show every proxy
          </button>
        </div>
      ) : all.length === 0 ? (
        <div className="empty-state" data-testid="cl-empty">
          <h3>No clusters</h3>
          <p className="muted">{query.proxy ? "This proxy has no upstream clusters yet." : "No proxy in this process has any upstream cluster yet."}</p>
        </div>
      ) : rows.length === 0 ? (
        <div className="empty-state" data-testid="cl-empty">
          <h3>No cluster matches “{deferredSearch}”</h3>
          <p className="muted">Search matches cluster and proxy names; every word must appear.</p>
        </div>
      ) : (
        <ClusterTable rows={rows} sort={query.sort} dir={query.dir} onSort={onSort} />
      )}
    </div>
  );
}
