// The Routes page's interactive part: proxy selector (the ingress gateway by default) and search, both in
// the URL; the live route tree; and "Test a request", whose answer marks the tree.
"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import type { ExplainRouteResponse } from "../../proto/gen/meshdash/route/v1/route_pb";
import { ExplainRequestForm, ExplainResult } from "./explain-panel";
import { EMPTY_FORM, validateExplain, type ExplainForm } from "./explain-query";
import { proxyLabel } from "./route-format";
import { describeError, useExplainRoute, useRouteProxies, useRouteTree } from "./route-queries";
import { buildTree, flattenTree, routeKey, toggle, treeCounts } from "./route-tree";
import { RouteTreeView, type RouteMark } from "./route-tree-view";

function marksOf(result: ExplainRouteResponse | undefined): { marks: Map<string, RouteMark>; hosts: Set<string>; focus: string | undefined } {
  const marks = new Map<string, RouteMark>();
  const hosts = new Set<string>();
  let focus: string | undefined;
  for (const l of result?.listeners ?? []) {
    if (!l.virtualHost) continue;
    hosts.add(`${l.listener}/${l.virtualHost}`);
    for (const r of l.routes) marks.set(routeKey(l.listener, l.virtualHost, r.index), { matched: r.matched, reason: r.reason });
    if (l.route && !focus) focus = routeKey(l.listener, l.virtualHost, l.route.index);
  }
  return { marks, hosts, focus };
}

export function RoutesView() {
  const params = useSearchParams();
  const pathname = usePathname();
  const proxies = useRouteProxies();
  const fromUrl = params.get("proxy") ?? "";
  const proxy = fromUrl || proxies.data?.find((p) => p.gateway)?.id || proxies.data?.[0]?.id;
  const tree = useRouteTree(proxy);
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const [form, setForm] = useState<ExplainForm>(EMPTY_FORM);
  const explain = useExplainRoute();
  const errors = validateExplain(form);

  // The native history API keeps useSearchParams in step without a server round trip per keystroke.
  const setParam = (name: string, value: string) => {
    const p = new URLSearchParams(params.toString());
    if (value) p.set(name, value);
    else p.delete(name);
    const qs = p.toString();
    window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
  };

  // A new proxy starts with its own expansion state and no explanation.
  useEffect(() => {
    setToggled(new Set());
    explain.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [proxy]);

  const nodes = useMemo(() => (tree.data?.proxy ? buildTree(tree.data.proxy) : []), [tree.data]);
  const rows = useMemo(() => flattenTree(nodes, { toggled, search }), [nodes, toggled, search]);
  const result = explain.data?.proxy === proxy ? explain.data?.result : undefined;
  const { marks, hosts, focus } = useMemo(() => marksOf(result), [result]);

  if (proxies.isPending) return <div className="loading">Loading proxies…</div>;
  if (proxies.error) {
    return (
      <div className="empty-state">
        <h3>Could not load proxies</h3>
        <p className="error-text">{describeError(proxies.error)}</p>
        <button className="btn" onClick={() => void proxies.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (!proxy) {
    return (
      <div className="empty-state" data-testid="routes-empty">
        <h3>No proxies run in this process</h3>
        <p className="muted">Route trees are shown for the proxies meshdash runs (the demo mesh, or a BOOTSTRAP gateway).</p>
      </div>
    );
  }

  const counts = tree.data?.proxy ? treeCounts(tree.data.proxy) : undefined;
  const windowS = tree.data?.windowSeconds ?? 0;
  return (
    <div className="rt-view">
      <div className="rt-toolbar">
        <label className="field grow">
          <span>Proxy</span>
          <select name="proxy" data-testid="route-proxy" value={proxy} onChange={(e) => setParam("proxy", e.target.value)}>
            {!proxies.data.some((p) => p.id === proxy) && <option value={proxy}>{proxyLabel(proxy)} (not running)</option>}
            {proxies.data.map((p) => (
              <option key={p.id} value={p.id}>
                {proxyLabel(p.id)}
                {p.gateway ? " (gateway)" : " (sidecar)"}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Search</span>
          <input
            name="search"
            type="search"
            data-testid="route-search"
            placeholder="route, domain, cluster, endpoint…"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setParam("q", e.target.value.trim());
            }}
          />
        </label>
        <div className="rt-status status-line" role="status" data-testid="route-status">
          <span className={`dot ${tree.isError ? "" : windowS > 0 ? "live" : ""}`} />
          {tree.isError ? <span className="error-text">refresh failed</span> : windowS > 0 ? `live · last ${Math.round(windowS)} s` : "live figures start in a moment"}
          {counts && (
            <span className="muted">
              · {counts.listeners} listeners · {counts.virtualHosts} virtual hosts · {counts.routes} routes
            </span>
          )}
        </div>
      </div>

      <section className="rt-explain card">
        <header>
          <h3>Test a request</h3>
          <span className="muted">Which route would this proxy take for it, and why not the earlier ones? Nothing is sent.</span>
        </header>
        <ExplainRequestForm
          value={form}
          errors={errors}
          pending={explain.isPending}
          onChange={setForm}
          onSubmit={() => {
            if (Object.keys(errors).length === 0) explain.mutate({ proxy, form });
          }}
          onClear={result || explain.error ? () => explain.reset() : undefined}
        />
        {explain.error && <p className="error-text" data-testid="explain-error">{describeError(explain.error)}</p>}
        {result && <ExplainResult result={result} />}
      </section>

      {tree.isPending ? (
        <div className="loading">Loading routes…</div>
      ) : tree.error && !tree.data ? (
        <div className="empty-state">
          <h3>Could not load the route tree</h3>
          <p className="error-text">{describeError(tree.error)}</p>
          <button className="btn" onClick={() => void tree.refetch()}>
            Try again
          </button>
        </div>
      ) : !tree.data?.proxy || tree.data.proxy.listeners.length === 0 ? (
        <div className="empty-state" data-testid="routes-empty">
          <h3>No HTTP listeners</h3>
          <p className="muted">This proxy has no listener with an HTTP connection manager, so it has no routes.</p>
        </div>
      ) : rows.length === 0 ? (
        <div className="empty-state" data-testid="routes-no-match">
          <h3>Nothing matches “{search.trim()}”</h3>
          <p className="muted">Search looks in listener, route configuration, virtual host, domain, route, match, cluster and endpoint names.</p>
        </div>
      ) : (
        <RouteTreeView rows={rows} onToggle={(key) => setToggled((t) => toggle(t, key))} marks={marks} chosenHosts={hosts} focusKey={focus} />
      )}
    </div>
  );
}
