// The live request table: one row per stream, virtualized so thousands of rows stay smooth.
"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { TapRow } from "./tap-rows";

const ROW_HEIGHT = 30;

function statusClass(r: TapRow): string {
  if (r.status === undefined) return "st-pending";
  if (r.status >= 500 || r.state === "reset") return "st-5xx";
  if (r.status >= 400) return "st-4xx";
  return "st-2xx";
}

export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return "…";
  return ms < 1 ? `${(ms * 1000).toFixed(0)}µs` : ms < 1000 ? `${ms.toFixed(1)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return "…";
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

const time = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour12: false });

export interface TapTableProps {
  rows: readonly TapRow[];
  selected: string | undefined;
  onSelect(key: string): void;
}

export function TapTable({ rows, selected, onSelect }: TapTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  return (
    <div className="tap-table" role="table" aria-label="Live requests">
      <div className="tap-row tap-head" role="row">
        <span>Time</span>
        <span>Method</span>
        <span>Authority</span>
        <span>Path</span>
        <span>Route → cluster</span>
        <span>Endpoint</span>
        <span className="num">Status</span>
        <span className="num">Latency</span>
        <span className="num">Bytes</span>
        <span>Flags</span>
      </div>
      <div ref={scroller} className="tap-body">
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((item) => {
            const r = rows[item.index]!;
            return (
              <div
                key={r.key}
                role="row"
                data-testid="tap-row"
                data-path={r.path}
                data-cluster={r.cluster}
                className={`tap-row ${r.key === selected ? "selected" : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => onSelect(r.key)}
              >
                <span className="muted">{time(r.seenAt)}</span>
                <span className="method">{r.method}</span>
                <span className="ellipsis">{r.authority}</span>
                <span className="ellipsis mono" title={r.path}>
                  {r.path}
                </span>
                <span className="ellipsis muted" title={`${r.route} → ${r.cluster}`}>
                  {r.route ? `${r.route} → ${r.cluster}` : "—"}
                </span>
                <span className="ellipsis mono muted">{r.endpoint || "—"}</span>
                <span className={`num status ${statusClass(r)}`} data-testid="tap-status">
                  {r.status ?? "…"}
                </span>
                <span className="num">{formatLatency(r.latencyMs)}</span>
                <span className="num">{formatBytes(r.bytes)}</span>
                <span className="flags">{r.flags}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
