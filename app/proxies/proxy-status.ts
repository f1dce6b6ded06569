// istioctl proxy-status as data: each proxy's overall state, per-type cells (CDS, LDS, EDS, RDS), the
// summary counts, the table filter and the time formats the Proxies pages show.

import { ProxyRole, SyncState, type Proxy, type XdsSync } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";

/** istioctl's column order. */
export const XDS_TYPES = ["CDS", "LDS", "EDS", "RDS"] as const;
export type XdsType = (typeof XDS_TYPES)[number];

/** A type's state as the page labels it; NOT SUBSCRIBED when the proxy never asked for that type. */
export type TypeState = "SYNCED" | "NOT SENT" | "STALE" | "ERROR" | "NOT SUBSCRIBED";
/** A proxy's worst type state; NOT CONNECTED when it has no xDS stream (a static bootstrap or a reconnect). */
export type OverallState = "SYNCED" | "NOT SENT" | "STALE" | "ERROR" | "NOT CONNECTED";

export const OVERALL_STATES: readonly OverallState[] = ["SYNCED", "STALE", "ERROR", "NOT SENT", "NOT CONNECTED"];

const LABEL: Record<SyncState, TypeState> = {
  [SyncState.UNSPECIFIED]: "NOT SENT",
  [SyncState.SYNCED]: "SYNCED",
  [SyncState.NOT_SENT]: "NOT SENT",
  [SyncState.STALE]: "STALE",
  [SyncState.ERROR]: "ERROR",
};

/** Worse states first: a proxy is as healthy as its worst type. */
const SEVERITY: Record<TypeState, number> = { ERROR: 4, STALE: 3, "NOT SENT": 2, SYNCED: 1, "NOT SUBSCRIBED": 0 };

export function roleLabel(role: ProxyRole): string {
  switch (role) {
    case ProxyRole.GATEWAY:
      return "gateway";
    case ProxyRole.PROXYLESS:
      return "proxyless";
    case ProxyRole.SIDECAR:
      return "sidecar";
    default:
      return "unknown";
  }
}

/** istioctl's NAME column: "productpage-v1-0.default" from "sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local". */
export function shortName(id: string): string {
  const parts = id.split("~");
  return parts.length === 4 && parts[2] ? parts[2] : id;
}

export interface TypeCell {
  type: XdsType;
  state: TypeState;
  sync: XdsSync | undefined;
}

export function typeCell(p: Proxy, type: XdsType): TypeCell {
  const sync = p.sync.find((s) => s.type === type);
  return { type, state: sync ? LABEL[sync.state] : "NOT SUBSCRIBED", sync };
}

export function overallState(p: Proxy): OverallState {
  if (p.sync.length === 0) return "NOT CONNECTED";
  let worst: TypeState = "SYNCED";
  for (const s of p.sync) if (SEVERITY[LABEL[s.state]] > SEVERITY[worst]) worst = LABEL[s.state];
  return worst === "NOT SUBSCRIBED" ? "SYNCED" : worst;
}

export type Summary = Record<OverallState, number> & { total: number };

export function summarize(proxies: readonly Proxy[]): Summary {
  const s: Summary = { total: proxies.length, SYNCED: 0, STALE: 0, ERROR: 0, "NOT SENT": 0, "NOT CONNECTED": 0 };
  for (const p of proxies) s[overallState(p)]++;
  return s;
}

export interface ProxyFilter {
  /** Case-insensitive substring of the node id, role or config version. */
  text: string;
  /** Only proxies in this overall state; undefined for all. */
  state?: OverallState;
}

export function filterProxies(proxies: readonly Proxy[], f: ProxyFilter): Proxy[] {
  const text = f.text.trim().toLowerCase();
  return proxies.filter(
    (p) =>
      (!f.state || overallState(p) === f.state) &&
      (!text || p.id.toLowerCase().includes(text) || roleLabel(p.role).includes(text) || p.configVersion.toLowerCase().includes(text)),
  );
}

/** The latest push to this proxy of any type (ms since the epoch), 0 when none. */
export function lastPushMs(p: Proxy): number {
  return p.sync.reduce((m, s) => Math.max(m, Number(s.lastSentMs)), 0);
}

/** "4s ago", "3m 12s ago", "2h 5m ago", "3d 4h ago"; "—" for 0. */
export function formatAgo(ms: number, now: number): string {
  if (!ms) return "—";
  const s = Math.max(0, Math.floor((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m ago`;
  return `${Math.floor(h / 24)}d ${h % 24}h ago`;
}

/** Wall-clock time, 24 h, with milliseconds when asked (pushes land within ms of each other). */
export function formatClock(ms: number, withMs = false): string {
  if (!ms) return "—";
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** Write → ACK time: "—" when unknown (-1: no push since the stream opened), "<1 ms", "14 ms", "1.25 s". */
export function formatConvergence(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return "—";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The /proxies/[id] link of a proxy; node ids hold "~" and "." (safe) but external ones may hold anything. */
export function proxyHref(id: string): string {
  return `/proxies/${encodeURIComponent(id)}`;
}

/** The node id back from the route segment, whether or not the router already decoded it. */
export function proxyIdFromSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
