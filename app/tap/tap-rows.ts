// Merges tap events (RequestInit, ResponseInit, ResponseEnd) into one row per stream, newest first,
// keeping at most `capacity` rows. Mutable on purpose: events are bursty and the table re-renders on a timer.

import { durationMs } from "@bufbuild/protobuf/wkt";
import type { TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";

export interface TapRow {
  key: string;
  /** Client clock when the request was first seen. */
  seenAt: number;
  proxy: string;
  direction: "inbound" | "outbound" | "";
  source: string;
  destination: string;
  method: string;
  authority: string;
  path: string;
  route: string;
  cluster: string;
  endpoint: string;
  status: number | undefined;
  grpcStatus: number | undefined;
  latencyMs: number | undefined;
  bytes: number | undefined;
  flags: string;
  state: "open" | "responding" | "done" | "reset";
  requestHeaders: { name: string; value: string }[];
  responseHeaders: { name: string; value: string }[];
}

export interface TapRows {
  rows: TapRow[];
  byKey: Map<string, TapRow>;
  capacity: number;
}

export function createTapRows(capacity: number): TapRows {
  return { rows: [], byKey: new Map(), capacity };
}

function keyOf(e: TapEvent, id: { base: number; stream: bigint } | undefined): string {
  return `${e.routeContext?.proxy ?? ""}/${id?.base ?? 0}/${id?.stream ?? 0n}`;
}

const addr = (a: { ip: string; port: number } | undefined) => (a ? `${a.ip}:${a.port}` : "");

export function applyTapEvent(t: TapRows, e: TapEvent, now: number): void {
  const ev = e.event;
  if (ev.case === undefined || ev.case === "drops") return;
  const key = keyOf(e, ev.value.id);
  let row = t.byKey.get(key);
  if (!row) {
    row = {
      key,
      seenAt: now,
      proxy: e.routeContext?.proxy ?? "",
      direction: e.proxyDirection === 1 ? "inbound" : e.proxyDirection === 2 ? "outbound" : "",
      source: addr(e.source),
      destination: addr(e.destination),
      method: "",
      authority: "",
      path: "",
      route: "",
      cluster: "",
      endpoint: "",
      status: undefined,
      grpcStatus: undefined,
      latencyMs: undefined,
      bytes: undefined,
      flags: "",
      state: "open",
      requestHeaders: [],
      responseHeaders: [],
    };
    t.byKey.set(key, row);
    t.rows.unshift(row);
    while (t.rows.length > t.capacity) t.byKey.delete(t.rows.pop()!.key);
  }
  const rc = e.routeContext;
  if (rc) {
    row.route = rc.route || row.route;
    row.cluster = rc.cluster || row.cluster;
    row.endpoint = rc.endpoint || row.endpoint;
  }
  switch (ev.case) {
    case "requestInit":
      row.method = ev.value.method;
      row.authority = ev.value.authority;
      row.path = ev.value.path;
      row.requestHeaders = ev.value.headers?.headers ?? [];
      break;
    case "responseInit":
      row.status = ev.value.httpStatus;
      row.state = "responding";
      row.responseHeaders = ev.value.headers?.headers ?? [];
      if (ev.value.sinceRequestInit) row.latencyMs = durationMs(ev.value.sinceRequestInit);
      break;
    case "responseEnd":
      row.bytes = Number(ev.value.responseBytes);
      row.flags = ev.value.responseFlags;
      if (ev.value.sinceRequestInit) row.latencyMs = durationMs(ev.value.sinceRequestInit);
      row.state = ev.value.eos.case === "resetErrorCode" ? "reset" : "done";
      if (ev.value.eos.case === "grpcStatusCode") row.grpcStatus = ev.value.eos.value;
      break;
  }
}

export function clearTapRows(t: TapRows): void {
  t.rows = [];
  t.byKey.clear();
}
