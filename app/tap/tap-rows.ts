// Merges tap events (RequestInit, ResponseInit, ResponseEnd) into one row per stream, newest first,
// keeping at most `capacity` rows, and totals the Drops events. Mutable on purpose: events are bursty and
// the table re-renders on a timer.

import { durationMs } from "@bufbuild/protobuf/wkt";
import type { Body, TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { peerNames } from "./tap-names";

export interface TapHeader {
  name: string;
  value: string;
}

export interface CapturedBody {
  data: Uint8Array;
  truncated: boolean;
  totalBytes: number;
  redacted: boolean;
  contentType: string;
}

export interface TapRow {
  key: string;
  /** Client clock when the request was first seen. */
  seenAt: number;
  proxy: string;
  direction: "inbound" | "outbound" | "";
  /** ip:port of each side, and the names shown for them (workload, service or address). */
  source: string;
  destination: string;
  sourceName: string;
  destinationName: string;
  sourceMeta: Record<string, string>;
  destinationMeta: Record<string, string>;
  method: string;
  scheme: "http" | "https" | "";
  authority: string;
  path: string;
  listener: string;
  virtualHost: string;
  route: string;
  cluster: string;
  endpoint: string;
  configVersion: string;
  status: number | undefined;
  grpcStatus: number | undefined;
  resetCode: number | undefined;
  /** Request start to response end (or to response headers until the end arrives). */
  latencyMs: number | undefined;
  /** Request start to response headers. */
  headersMs: number | undefined;
  /** Response headers to response end. */
  responseMs: number | undefined;
  bytes: number | undefined;
  requestBytes: number | undefined;
  flags: string;
  retryAttempts: number;
  state: "open" | "responding" | "done" | "reset";
  requestHeaders: TapHeader[];
  responseHeaders: TapHeader[];
  trailers: TapHeader[];
  requestBody: CapturedBody | undefined;
  responseBody: CapturedBody | undefined;
}

export interface TapDrops {
  /** Events the server dropped because this page read too slowly, in total. */
  queueDropped: number;
  /** Matching requests over the tap's max RPS, in total. */
  rateLimited: number;
}

export interface TapRows {
  rows: TapRow[];
  byKey: Map<string, TapRow>;
  capacity: number;
  drops: TapDrops;
}

export function createTapRows(capacity: number): TapRows {
  return { rows: [], byKey: new Map(), capacity, drops: { queueDropped: 0, rateLimited: 0 } };
}

function keyOf(e: TapEvent, id: { base: number; stream: bigint } | undefined): string {
  return `${e.routeContext?.proxy ?? ""}/${e.routeContext?.listener ?? ""}/${id?.base ?? 0}/${id?.stream ?? 0n}`;
}

const addr = (a: { ip: string; port: number } | undefined) => (a ? (a.ip.includes(":") ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`) : "");

function body(b: Body | undefined): CapturedBody | undefined {
  if (!b) return undefined;
  return { data: b.data, truncated: b.truncated, totalBytes: Number(b.totalBytes), redacted: b.redacted, contentType: b.contentType };
}

/** The key that ties a stream's three events together: proxy, listener, connection and stream number. */
export function streamKey(e: TapEvent): string | undefined {
  const ev = e.event;
  if (ev.case === undefined || ev.case === "drops") return undefined;
  return keyOf(e, ev.value.id);
}

export function newRow(key: string, e: TapEvent, now: number): TapRow {
  return {
    key,
    seenAt: now,
    proxy: e.routeContext?.proxy ?? "",
    direction: e.proxyDirection === 1 ? "inbound" : e.proxyDirection === 2 ? "outbound" : "",
    source: addr(e.source),
    destination: addr(e.destination),
    sourceName: "",
    destinationName: "",
    sourceMeta: { ...e.sourceMeta },
    destinationMeta: { ...e.destinationMeta },
    method: "",
    scheme: "",
    authority: "",
    path: "",
    listener: "",
    virtualHost: "",
    route: "",
    cluster: "",
    endpoint: "",
    configVersion: "",
    status: undefined,
    grpcStatus: undefined,
    resetCode: undefined,
    latencyMs: undefined,
    headersMs: undefined,
    responseMs: undefined,
    bytes: undefined,
    requestBytes: undefined,
    flags: "",
    retryAttempts: 0,
    state: "open",
    requestHeaders: [],
    responseHeaders: [],
    trailers: [],
    requestBody: undefined,
    responseBody: undefined,
  };
}

/** Folds one event in; returns the row it touched (undefined for Drops and empty events). */
export function applyTapEvent(t: TapRows, e: TapEvent, now: number): TapRow | undefined {
  const ev = e.event;
  if (ev.case === undefined) return undefined;
  if (ev.case === "drops") {
    // Totals so far: keep the largest seen, events can arrive out of order across proxies.
    t.drops = {
      queueDropped: Math.max(t.drops.queueDropped, Number(ev.value.queueDropped)),
      rateLimited: Math.max(t.drops.rateLimited, Number(ev.value.rateLimited)),
    };
    return undefined;
  }
  const key = keyOf(e, ev.value.id);
  let row = t.byKey.get(key);
  if (!row) {
    row = newRow(key, e, now);
    t.byKey.set(key, row);
    t.rows.unshift(row);
    while (t.rows.length > t.capacity) t.byKey.delete(t.rows.pop()!.key);
  }
  mergeEvent(row, e);
  return row;
}

/** Folds a RequestInit, ResponseInit or ResponseEnd into its stream's row. */
export function mergeEvent(row: TapRow, e: TapEvent): void {
  const ev = e.event;
  const rc = e.routeContext;
  if (rc) {
    row.listener = rc.listener || row.listener;
    row.virtualHost = rc.virtualHost || row.virtualHost;
    row.route = rc.route || row.route;
    row.cluster = rc.cluster || row.cluster;
    row.endpoint = rc.endpoint || row.endpoint;
    row.configVersion = rc.configVersion || row.configVersion;
  }
  if (Object.keys(e.sourceMeta).length) row.sourceMeta = { ...e.sourceMeta };
  if (Object.keys(e.destinationMeta).length) row.destinationMeta = { ...e.destinationMeta };
  switch (ev.case) {
    case "requestInit":
      row.method = ev.value.method;
      row.scheme = ev.value.scheme === 2 ? "https" : ev.value.scheme === 1 ? "http" : "";
      row.authority = ev.value.authority;
      row.path = ev.value.path;
      row.requestHeaders = ev.value.headers?.headers ?? [];
      break;
    case "responseInit":
      row.status = ev.value.httpStatus;
      if (row.state === "open") row.state = "responding";
      row.responseHeaders = ev.value.headers?.headers ?? [];
      if (ev.value.sinceRequestInit) {
        row.headersMs = durationMs(ev.value.sinceRequestInit);
        row.latencyMs ??= row.headersMs;
      }
      break;
    case "responseEnd":
      row.bytes = Number(ev.value.responseBytes);
      row.requestBytes = Number(ev.value.requestBytes);
      row.flags = ev.value.responseFlags;
      row.retryAttempts = ev.value.retryAttempts;
      if (ev.value.sinceRequestInit) row.latencyMs = durationMs(ev.value.sinceRequestInit);
      if (ev.value.sinceResponseInit) row.responseMs = durationMs(ev.value.sinceResponseInit);
      row.state = ev.value.eos.case === "resetErrorCode" ? "reset" : "done";
      if (ev.value.eos.case === "resetErrorCode") row.resetCode = ev.value.eos.value;
      if (ev.value.eos.case === "grpcStatusCode") row.grpcStatus = ev.value.eos.value;
      row.trailers = ev.value.trailers?.headers ?? row.trailers;
      row.requestBody = body(ev.value.requestBody) ?? row.requestBody;
      row.responseBody = body(ev.value.responseBody) ?? row.responseBody;
      break;
  }
  const names = peerNames(row);
  row.sourceName = names.source;
  row.destinationName = names.destination;
}

export function clearTapRows(t: TapRows): void {
  t.rows = [];
  t.byKey.clear();
  t.drops = { queueDropped: 0, rateLimited: 0 };
}

/** Whether a finished stream counts as a success (Linkerd's rule: no 5xx, no reset, gRPC OK when gRPC). */
export function isSuccess(r: Pick<TapRow, "state" | "status" | "grpcStatus">): boolean {
  if (r.state === "reset") return false;
  if ((r.status ?? 0) >= 500) return false;
  if (r.grpcStatus !== undefined && r.grpcStatus !== 0) return false;
  return true;
}
