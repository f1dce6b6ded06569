// The Top table: one row per (direction, source, destination, method, path), sortable by every column and
// virtualized; a click (or Enter) opens Tap filtered to that row.
"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { errorLevel, formatMs, formatPercent, formatRps } from "../components/traffic-format";
import { RPS_WINDOW_S, type SortOrder, type TopRow, type TopSortKey } from "./top-aggregate";

const ROW_HEIGHT = 32;

const COLUMNS: { key: TopSortKey; label: string; num?: boolean; title?: string }[] = [
  { key: "direction", label: "Dir", title: "proxy direction" },
  { key: "source", label: "Source" },
  { key: "destination", label: "Destination" },
  { key: "method", label: "Method" },
  { key: "path", label: "Path" },
  { key: "count", label: "Count", num: true, title: "finished requests since Top started" },
  { key: "success", label: "Success", num: true, title: "no 5xx, no reset, gRPC OK" },
  { key: "rps", label: "RPS", num: true, title: `requests per second, last ${RPS_WINDOW_S} s` },
  { key: "best", label: "Best", num: true },
  { key: "worst", label: "Worst", num: true },
  { key: "last", label: "Last", num: true },
  { key: "p50", label: "p50", num: true },
  { key: "p95", label: "p95", num: true },
  { key: "p99", label: "p99", num: true },
];

export interface TopTableProps {
  rows: readonly TopRow[];
  sort: TopSortKey;
  order: SortOrder;
  onSort(key: TopSortKey): void;
  hrefOf(row: TopRow): string;
  onOpen(row: TopRow): void;
}

export function TopTable({ rows, sort, order, onSort, hrefOf, onOpen }: TopTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    <div className="top-table" role="table" aria-label="Top requests" aria-rowcount={rows.length}>
      <div className="top-inner">
        <div className="top-row top-head" role="row">
          {COLUMNS.map((c) => (
            <button
              key={c.key}
              type="button"
              role="columnheader"
              aria-sort={sort === c.key ? (order === "asc" ? "ascending" : "descending") : "none"}
              className={`cl-sort ${c.num ? "num" : ""} ${sort === c.key ? "active" : ""}`}
              title={c.title}
              onClick={() => onSort(c.key)}
              data-testid={`top-sort-${c.key}`}
            >
              {c.label}
              <span className="cl-sort-mark">{sort === c.key ? (order === "asc" ? "▲" : "▼") : ""}</span>
            </button>
          ))}
        </div>
        <div ref={scroller} className="top-body">
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((item) => {
              const r = rows[item.index]!;
              const errorRate = r.successRate === undefined ? undefined : 1 - r.successRate;
              return (
                <a
                  key={r.key}
                  role="row"
                  href={hrefOf(r)}
                  aria-rowindex={item.index + 1}
                  data-testid="top-row"
                  data-path={r.path}
                  data-method={r.method}
                  className="top-row"
                  style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  title="Open in Tap"
                  onClick={(e) => {
                    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    onOpen(r);
                  }}
                >
                  <span className={`tap2-dir tap2-dir-${r.direction || "unknown"}`} title={r.direction || "direction unknown"}>
                    {r.direction === "inbound" ? "in" : r.direction === "outbound" ? "out" : "?"}
                  </span>
                  <span className="ellipsis" title={r.source}>
                    {r.source}
                  </span>
                  <span className="ellipsis" title={r.destination}>
                    {r.destination}
                  </span>
                  <span className="method">{r.method}</span>
                  <span className="ellipsis mono" title={r.path}>
                    {r.path}
                  </span>
                  <span className="num" data-testid="top-count">
                    {r.count.toLocaleString("en-US")}
                  </span>
                  <span className={`num cl-level-${errorLevel(errorRate)}`}>{formatPercent(r.successRate)}</span>
                  <span className="num">{formatRps(r.rps)}</span>
                  <span className="num">{formatMs(r.bestMs)}</span>
                  <span className="num">{formatMs(r.worstMs)}</span>
                  <span className="num">{formatMs(r.lastMs)}</span>
                  <span className="num">{formatMs(r.p50Ms)}</span>
                  <span className="num">{formatMs(r.p95Ms)}</span>
                  <span className="num">{formatMs(r.p99Ms)}</span>
                </a>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
