// The Overview page as data: mesh-wide traffic summed from the services' histories (their points share
// times), the services ranked for the table, and which proxies are out of sync with the control plane.

import type { ServiceStats } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { SyncState, type Proxy } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";

export interface MeshPoint {
  t: number;
  okRps: number;
  errorRps: number;
}

/** Every service's history summed per point time: the mesh's succeeded and failed requests per second. */
export function meshSeries(services: readonly ServiceStats[]): MeshPoint[] {
  const byTime = new Map<number, MeshPoint>();
  for (const s of services) {
    for (const p of s.history) {
      const t = Number(p.timeMs);
      let m = byTime.get(t);
      if (!m) byTime.set(t, (m = { t, okRps: 0, errorRps: 0 }));
      const rps = p.traffic?.rps ?? 0;
      const err = p.traffic?.errorRate ?? 0;
      m.okRps += rps * (1 - err);
      m.errorRps += rps * err;
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

export interface MeshTotals {
  rps: number;
  /** Request-weighted over the services; undefined without requests. */
  successRate: number | undefined;
  active: number;
}

export function meshTotals(services: readonly ServiceStats[]): MeshTotals {
  let rps = 0;
  let requests = 0;
  let failed = 0;
  let active = 0;
  for (const s of services) {
    const t = s.traffic;
    if (!t) continue;
    rps += t.rps;
    const n = Number(t.requests);
    requests += n;
    failed += n * (t.errorRate ?? 0);
    if (n > 0) active++;
  }
  return { rps, successRate: requests > 0 ? 1 - failed / requests : undefined, active };
}

/** Busiest first, then by name; services without traffic keep their order at the end. */
export function rankServices(services: readonly ServiceStats[]): ServiceStats[] {
  return [...services].sort((a, b) => (b.traffic?.rps ?? 0) - (a.traffic?.rps ?? 0) || (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
}

export interface OutOfSync {
  id: string;
  /** e.g. [{ type: "CDS", state: "ERROR", error: "…NACK text…" }] for each type not SYNCED. */
  types: { type: string; state: string; error: string }[];
}

const STATE_NAME: Record<SyncState, string> = {
  [SyncState.UNSPECIFIED]: "NOT SENT",
  [SyncState.SYNCED]: "SYNCED",
  [SyncState.NOT_SENT]: "NOT SENT",
  [SyncState.STALE]: "STALE",
  [SyncState.ERROR]: "ERROR",
};

export interface SyncSummary {
  total: number;
  synced: number;
  /** Errors (NACKs) first, then STALE, then NOT SENT and unconnected proxies. */
  outOfSync: OutOfSync[];
}

export function syncSummary(proxies: readonly Proxy[]): SyncSummary {
  const outOfSync: OutOfSync[] = [];
  for (const p of proxies) {
    const types = p.sync.filter((s) => s.state !== SyncState.SYNCED).map((s) => ({ type: s.type, state: STATE_NAME[s.state], error: s.error }));
    if (p.sync.length === 0) types.push({ type: "xDS", state: "NOT CONNECTED", error: "" });
    if (types.length) outOfSync.push({ id: p.id, types });
  }
  const rank = (o: OutOfSync) => (o.types.some((t) => t.state === "ERROR") ? 0 : o.types.some((t) => t.state === "STALE") ? 1 : 2);
  outOfSync.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1));
  return { total: proxies.length, synced: proxies.length - outOfSync.length, outOfSync };
}
