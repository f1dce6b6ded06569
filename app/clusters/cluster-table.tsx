// The Clusters table: one row per cluster of each proxy, sortable by every column and virtualized, so a
// mesh with thousands of clusters scrolls as smoothly as one with ten.
"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useRef } from "react";
import { errorLevel, formatMs, formatPercent, formatRps, formatThreshold } from "../components/traffic-format";
import type { ClusterRow, SortDir, SortKey } from "./cluster-rows";

const ROW_HEIGHT = 34;

const COLUMNS: { key: SortKey | undefined; label: string; num?: boolean; title?: string }[] = [
  { key: "proxy", label: "Proxy" },
  { key: "name", label: "Cluster" },
  { key: "type", label: "Type" },
  { key: "lb", label: "LB policy" },
  { key: undefined, label: "Circuit breakers", title: "max connections / pending requests / requests / retries (∞: off)" },
  { key: "health", label: "Endpoints", title: "healthy / total endpoints" },
  { key: "rps", label: "RPS", num: true, title: "upstream requests per second, last minute" },
  { key: "errors", label: "Errors", num: true, title: "failed upstream requests, last minute" },
  { key: "p99", label: "p99", num: true, title: "upstream latency, 99th percentile, last minute" },
  { key: "active", label: "Active", num: true, title: "requests in flight now" },
];

export function clusterHref(r: { proxy: string; name: string }): string {
  return `/clusters/${encodeURIComponent(r.name)}?proxy=${encodeURIComponent(r.proxy)}`;
}

function HealthCell({ healthy, total }: { healthy: number; total: number }) {
  const level = total === 0 ? "none" : healthy === total ? "ok" : healthy === 0 ? "err" : "warn";
  return (
    <span className={`cl-health cl-level-${level}`} title={`${healthy} of ${total} endpoints healthy`}>
      <span className="cl-health-bar">
        <span style={{ width: total ? `${(healthy / total) * 100}%` : 0 }} />
      </span>
      {healthy}/{total}
    </span>
  );
}

export interface ClusterTableProps {
  rows: readonly ClusterRow[];
  sort: SortKey;
  dir: SortDir;
  onSort(key: SortKey): void;
}

export function ClusterTable({ rows, sort, dir, onSort }: ClusterTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    <div className="cl-table" role="table" aria-label="Clusters" aria-rowcount={rows.length}>
      <div className="cl-row cl-head" role="row">
        {COLUMNS.map((c) =>
          c.key ? (
            <button
              key={c.label}
              role="columnheader"
              aria-sort={sort === c.key ? (dir === "asc" ? "ascending" : "descending") : "none"}
              className={`cl-sort ${c.num ? "num" : ""} ${sort === c.key ? "active" : ""}`}
              title={c.title}
              onClick={() => onSort(c.key!)}
              data-testid={`cl-sort-${c.key}`}
            >
              {c.label}
              <span className="cl-sort-mark">{sort === c.key ? (dir === "asc" ? "▲" : "▼") : ""}</span>
            </button>
          ) : (
            <span key={c.label} role="columnheader" title={c.title}>
              {c.label}
            </span>
          ),
        )}
      </div>
      <div ref={scroller} className="cl-body" data-testid="cl-scroller">
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((item) => {
            const r = rows[item.index]!;
            return (
              <div
                key={r.key}
                role="row"
                data-testid="cluster-row"
                data-name={r.name}
                data-proxy={r.proxy}
                className={`cl-row ${r.total > 0 && r.healthy < r.total ? "cl-row-degraded" : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                <span className="ellipsis muted" title={r.proxy}>
                  {r.proxyName}
                </span>
                <Link className="ellipsis mono cl-name" href={clusterHref(r)} prefetch={false} title={r.name}>
                  {r.name}
                </Link>
                <span className="muted">{r.type}</span>
                <span className="ellipsis">{r.lbPolicy}</span>
                <span className="mono muted cl-cb">
                  {formatThreshold(r.maxConnections)}/{formatThreshold(r.maxPendingRequests)}/{formatThreshold(r.maxRequests)}/{formatThreshold(r.maxRetries)}
                  {r.outlierDetection && (
                    <span className="cl-od" title="outlier detection on">
                      OD
                    </span>
                  )}
                </span>
                <HealthCell healthy={r.healthy} total={r.total} />
                <span className="num">{formatRps(r.rps)}</span>
                <span className={`num cl-level-${errorLevel(r.errorRate)}`}>{formatPercent(r.errorRate)}</span>
                <span className="num">{formatMs(r.p99Ms)}</span>
                <span className="num muted">{r.active}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
