// The live request table: one row per stream (its three events merged), virtualized so thousands of rows
// stay smooth. Columns: time, direction, source → destination, method, authority, path, route → cluster,
// endpoint, HTTP and gRPC status, latency, bytes, response flags. Click (or Enter on) a row to expand it.
"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { TapRow } from "./tap-rows";

const ROW_HEIGHT = 30;

export function statusClass(r: Pick<TapRow, "status" | "state" | "grpcStatus">): string {
  if (r.state === "reset") return "st-5xx";
  if (r.status === undefined) return "st-pending";
  if (r.status >= 500) return "st-5xx";
  if (r.status >= 400) return "st-4xx";
  if (r.grpcStatus !== undefined && r.grpcStatus !== 0) return "st-5xx";
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

/** gRPC status names, for the column's tooltip. */
export const GRPC_CODES = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
  "DATA_LOSS", "UNAUTHENTICATED",
];

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
    <div className="tap-table tap2-table" role="table" aria-label="Live requests" aria-rowcount={rows.length}>
      <div className="tap2-inner">
        <div className="tap2-row tap-head" role="row">
          <span role="columnheader">Time</span>
          <span role="columnheader" title="proxy direction">Dir</span>
          <span role="columnheader">Source → destination</span>
          <span role="columnheader">Method</span>
          <span role="columnheader">Authority</span>
          <span role="columnheader">Path</span>
          <span role="columnheader">Route → cluster</span>
          <span role="columnheader">Endpoint</span>
          <span role="columnheader" className="num">HTTP</span>
          <span role="columnheader" className="num" title="gRPC status">gRPC</span>
          <span role="columnheader" className="num">Latency</span>
          <span role="columnheader" className="num" title="response bytes">Bytes</span>
          <span role="columnheader" title="Envoy response flags">Flags</span>
        </div>
        <div ref={scroller} className="tap-body tap2-body">
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((item) => {
              const r = rows[item.index]!;
              const isSelected = r.key === selected;
              return (
                <div
                  key={r.key}
                  role="row"
                  tabIndex={0}
                  aria-selected={isSelected}
                  aria-rowindex={item.index + 1}
                  data-testid="tap-row"
                  data-path={r.path}
                  data-cluster={r.cluster}
                  data-method={r.method}
                  className={`tap2-row ${isSelected ? "selected" : ""}`}
                  style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  onClick={() => onSelect(r.key)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === " ") {
                      e.preventDefault();
                      onSelect(r.key);
                    }
                  }}
                >
                  <span className="muted">{time(r.seenAt)}</span>
                  <span className={`tap2-dir tap2-dir-${r.direction || "unknown"}`} title={r.direction || "direction unknown"}>
                    {r.direction === "inbound" ? "in" : r.direction === "outbound" ? "out" : "?"}
                  </span>
                  <span className="ellipsis" title={`${r.source} → ${r.destination}`}>
                    {r.sourceName} <span className="muted">→</span> {r.destinationName}
                  </span>
                  <span className="method">{r.method}</span>
                  <span className="ellipsis" title={r.authority}>
                    {r.authority}
                  </span>
                  <span className="ellipsis mono" title={r.path}>
                    {r.path}
                  </span>
                  <span className="ellipsis muted" title={`${r.route} → ${r.cluster}`}>
                    {r.cluster ? `${r.route || "(unnamed)"} → ${r.cluster}` : r.flags.includes("NR") ? "no route" : "—"}
                  </span>
                  <span className="ellipsis mono muted" title={r.endpoint}>
                    {r.endpoint || "—"}
                  </span>
                  <span className={`num status ${statusClass(r)}`} data-testid="tap-status">
                    {r.status ?? (r.state === "reset" ? "reset" : "…")}
                  </span>
                  <span className={`num ${r.grpcStatus ? "st-5xx" : "muted"}`} title={r.grpcStatus !== undefined ? GRPC_CODES[r.grpcStatus] : undefined}>
                    {r.grpcStatus ?? "—"}
                  </span>
                  <span className="num">{formatLatency(r.latencyMs)}</span>
                  <span className="num" title={`request ${formatBytes(r.requestBytes)}, response ${formatBytes(r.bytes)}`}>
                    {formatBytes(r.bytes)}
                  </span>
                  <span className="flags">{r.flags}</span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
