// The route tree as a virtualized list of rows (so a virtual host with thousands of routes stays smooth):
// a toggle per branch, live figures and a Tap link per route, weights per cluster, health per endpoint, and
// the marks an explanation leaves (the route a request takes, and why each earlier one did not match).
"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { actionSummary, figureCells, formatShare, policySummary } from "./route-format";
import type { TreeRow } from "./route-tree";

const ROW_HEIGHT = 32;
const INDENT = 18;

export interface RouteMark {
  matched: boolean;
  reason: string;
}

export interface RouteTreeViewProps {
  rows: readonly TreeRow[];
  onToggle(key: string): void;
  /** Explanation marks by route key. */
  marks: ReadonlyMap<string, RouteMark>;
  /** Virtual hosts an explanation chose, as "listener/virtual host". */
  chosenHosts: ReadonlySet<string>;
  /** Scrolls this row into view when it changes. */
  focusKey: string | undefined;
}

function Toggle({ row, onToggle }: { row: TreeRow; onToggle(key: string): void }) {
  if (!row.hasChildren) return <span className="rt-toggle" />;
  return (
    <button type="button" className="rt-toggle" aria-label={row.expanded ? "Collapse" : "Expand"} aria-expanded={row.expanded} onClick={() => onToggle(row.key)}>
      {row.expanded ? "▾" : "▸"}
    </button>
  );
}

function Label({ row, mark, chosen }: { row: TreeRow; mark: RouteMark | undefined; chosen: boolean }) {
  switch (row.kind) {
    case "listener":
      return (
        <>
          <span className="rt-kind">listener</span>
          <span className="rt-name">{row.listener.name}</span>
          <span className="rt-detail mono">{row.listener.address || "not bound"}</span>
        </>
      );
    case "routeConfiguration": {
      const rc = row.routeConfiguration;
      return (
        <>
          <span className="rt-kind">route config</span>
          <span className="rt-name">{rc.name || "—"}</span>
          <span className="rt-detail">
            {rc.rds ? "RDS" : "inline"} · version {rc.version || "—"}
          </span>
        </>
      );
    }
    case "virtualHost":
      return (
        <>
          <span className="rt-kind">virtual host</span>
          <span className="rt-name">{row.virtualHost.name}</span>
          {chosen && <span className="rt-chosen">chosen</span>}
          <span className="rt-detail mono" title={row.virtualHost.domains.join(", ")}>
            {row.virtualHost.domains.join(", ")}
          </span>
        </>
      );
    case "route": {
      const r = row.route;
      const policy = policySummary(r).join(" · ");
      return (
        <>
          <span className="rt-kind">route</span>
          <span className="rt-name">{r.name}</span>
          <span className="rt-match mono" title={r.match.join(" and ")}>
            {r.match.join(" and ")}
          </span>
          <span className="rt-action" title={actionSummary(r)}>
            {actionSummary(r)}
          </span>
          {mark ? (
            <span className={mark.matched ? "rt-why rt-why-hit" : "rt-why rt-why-miss"} title={mark.reason} data-testid="route-why">
              {mark.matched ? "✓ the request takes this route" : `✗ ${mark.reason}`}
            </span>
          ) : (
            policy && <span className="rt-detail">{policy}</span>
          )}
        </>
      );
    }
    case "cluster": {
      const c = row.cluster;
      const healthy = c?.endpoints.filter((e) => e.healthy).length ?? 0;
      return (
        <>
          <span className="rt-share" data-testid="route-cluster-weight">
            <span className="rt-share-bar" style={{ width: `${Math.round(row.share * 100)}%` }} />
            <span className="rt-share-text">{formatShare(row.share)}</span>
          </span>
          <span className="rt-name mono">{row.name}</span>
          {c?.found === false ? (
            <span className="rt-detail error-text">not in this proxy's clusters (503 NC)</span>
          ) : (
            <span className="rt-detail">
              {c?.type} · {c?.lbPolicy} · {healthy}/{c?.endpoints.length ?? 0} healthy
            </span>
          )}
        </>
      );
    }
    case "endpoint": {
      const e = row.endpoint;
      return (
        <>
          <span className={`dot ${e.healthy ? "live" : "rt-dot-bad"}`} />
          <span className="rt-name mono">{e.address}</span>
          <span className={e.healthy ? "rt-detail" : "rt-detail error-text"}>{e.health}</span>
          <span className="rt-detail">
            {e.locality}
            {e.priority ? ` · priority ${e.priority}` : ""}
            {e.weight !== 1 ? ` · weight ${e.weight}` : ""}
          </span>
        </>
      );
    }
    case "note":
      return <span className="rt-detail">{row.text}</span>;
  }
}

export function RouteTreeView({ rows, onToggle, marks, chosenHosts, focusKey }: RouteTreeViewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 16 });
  useEffect(() => {
    if (!focusKey) return;
    const i = rows.findIndex((r) => r.key === focusKey);
    if (i >= 0) virtual.scrollToIndex(i, { align: "center" });
    // Only when the focus changes, not on every refresh.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusKey]);
  return (
    <div className="rt-tree" role="tree" aria-label="Route tree">
      <div className="rt-row rt-head" role="presentation">
        <span>Listener → route configuration → virtual host → route → cluster → endpoint</span>
        <span className="num">RPS</span>
        <span className="num">Success</span>
        <span className="num">p99</span>
        <span />
      </div>
      <div ref={scroller} className="rt-body">
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const mark = row.kind === "route" ? marks.get(row.key) : undefined;
            const chosen = row.kind === "virtualHost" && chosenHosts.has(`${row.listener}/${row.virtualHost.name}`);
            const fig = row.kind === "route" ? figureCells(row.route.figures) : undefined;
            const name = row.kind === "route" ? row.route.name : row.kind === "virtualHost" ? row.virtualHost.name : row.kind === "cluster" ? row.name : row.kind === "listener" ? row.listener.name : undefined;
            return (
              <div
                key={row.key}
                role="treeitem"
                aria-level={row.depth + 1}
                aria-expanded={row.hasChildren ? row.expanded : undefined}
                data-testid="route-row"
                data-kind={row.kind}
                data-name={name}
                data-weight={row.kind === "cluster" ? row.weight : undefined}
                data-state={mark ? (mark.matched ? "hit" : "miss") : chosen ? "chosen" : undefined}
                className={`rt-row rt-${row.kind}${mark ? (mark.matched ? " rt-hit" : " rt-miss") : ""}${chosen ? " rt-hit-host" : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                <span className="rt-label" style={{ paddingLeft: row.depth * INDENT }}>
                  <Toggle row={row} onToggle={onToggle} />
                  <Label row={row} mark={mark} chosen={chosen} />
                </span>
                <span className="num" data-testid={fig ? "route-rps" : undefined}>
                  {fig?.rps}
                </span>
                <span className={`num${fig?.failing ? " st-5xx" : ""}`}>{fig?.success}</span>
                <span className="num">{fig?.p99}</span>
                <span>
                  {row.kind === "route" && (
                    <Link href={row.tapHref} className="rt-tap" title={`Tap this route's traffic (${row.tapHref})`} data-testid="route-tap">
                      Tap
                    </Link>
                  )}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
