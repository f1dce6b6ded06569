// Cluster rows for ListClusters and WatchClusters: one Cluster message per cluster of each chosen proxy,
// each with a signature of what it shows, so a watch sends only the rows that changed since its last
// message. Rows are built once per stats sample and shared by every watcher of the same proxy filter.

import { Code, ConnectError } from "@connectrpc/connect";
import type { Cluster } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import type { Proxy } from "../../proxy-engine";
import type { ClusterRef, ClusterStatsSampler } from "../stats-history/cluster-stats-sampler";
import { clusterMessage } from "./cluster-messages";

/** Cluster rows and service rows report traffic over the last minute. */
export const TRAFFIC_WINDOW_MS = 60_000;

export interface ClusterRow {
  /** proxy + "\n" + cluster name. */
  key: string;
  /** Changes whenever anything the row shows changes. */
  signature: string;
  message: Cluster;
}

export interface ClusterRows {
  rows: ClusterRow[];
  /** Every proxy in this process, by id. */
  proxies: string[];
}

const byId = (a: Proxy, b: Proxy) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function signatureOf(c: Cluster): string {
  const cb = c.circuitBreakers;
  const t = c.traffic;
  return [
    c.type,
    c.lbPolicy,
    c.protocol,
    c.outlierDetection,
    c.healthChecks,
    cb?.maxConnections,
    cb?.maxPendingRequests,
    cb?.maxRequests,
    cb?.maxRetries,
    cb?.retryBudgetPercent,
    c.healthyEndpoints,
    c.totalEndpoints,
    c.activeRequests,
    t?.requests,
    t?.rps.toFixed(3),
    t?.errorRate?.toFixed(4),
    t?.p50Ms,
    t?.p90Ms,
    t?.p99Ms,
  ].join("|");
}

/** Every cluster of the named proxy (or of all of them), ordered by proxy, then as the proxy lists them. */
export function buildClusterRows(all: readonly Proxy[], proxyId: string, sampler: ClusterStatsSampler, now = Date.now()): ClusterRows {
  const sorted = [...all].sort(byId);
  const chosen = proxyId ? sorted.filter((p) => p.id === proxyId) : sorted;
  if (proxyId && chosen.length === 0) throw new ConnectError(`proxy "${proxyId}" is not running in this process`, Code.NotFound);
  const ref: ClusterRef = { proxy: "", cluster: "" };
  const refs = [ref];
  const rows: ClusterRow[] = [];
  for (const p of chosen) {
    ref.proxy = p.id;
    for (const c of p.config().clusters.values()) {
      ref.cluster = c.name;
      const message: Cluster = { $typeName: "meshdash.cluster.v1.Cluster", ...clusterMessage(p.id, c, sampler.traffic(refs, TRAFFIC_WINDOW_MS), now) };
      rows.push({ key: `${p.id}\n${c.name}`, signature: signatureOf(message), message });
    }
  }
  return { rows, proxies: sorted.map((p) => p.id) };
}

/** Rows shared by watchers: rebuilt at most once per sample for each proxy filter. */
export function createClusterRowsCache(proxies: () => readonly Proxy[], sampler: ClusterStatsSampler) {
  const cache = new Map<string, { sample: number; rows: ClusterRows }>();
  return (proxyId: string): ClusterRows => {
    const hit = cache.get(proxyId);
    if (hit && hit.sample === sampler.samples) return hit.rows;
    const rows = buildClusterRows(proxies(), proxyId, sampler);
    cache.set(proxyId, { sample: sampler.samples, rows });
    // Keep one entry per filter that is being watched; a filter nobody watches is dropped on the next miss.
    if (cache.size > 64) for (const [k, v] of cache) if (v.sample !== sampler.samples) cache.delete(k);
    return rows;
  };
}

/** What changed between two sets of rows: rows to send and keys that went away. */
export function diffRows(previous: ReadonlyMap<string, string>, next: readonly ClusterRow[]): { changed: ClusterRow[]; removed: string[] } {
  const changed: ClusterRow[] = [];
  const seen = new Set<string>();
  for (const r of next) {
    seen.add(r.key);
    if (previous.get(r.key) !== r.signature) changed.push(r);
  }
  const removed: string[] = [];
  for (const k of previous.keys()) if (!seen.has(k)) removed.push(k);
  return { changed, removed };
}
