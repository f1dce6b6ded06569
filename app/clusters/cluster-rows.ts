// The Clusters list as data: ListClusters rows flattened for the table, the search and sort the user
// picked (kept in the URL so a view is a link), and the filtered, sorted rows the table shows.

import type { Cluster } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { shortProxy } from "../components/traffic-format";

export const SORT_KEYS = ["proxy", "name", "type", "lb", "health", "rps", "errors", "p99", "active"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

export interface ClusterQuery {
  /** A proxy's node id; empty for every proxy. */
  proxy: string;
  search: string;
  sort: SortKey;
  dir: SortDir;
}

export const DEFAULT_QUERY: ClusterQuery = { proxy: "", search: "", sort: "health", dir: "asc" };

/** Numbers read best large-first; names and health (worst first) small-first. */
export const NATURAL_DIR: Record<SortKey, SortDir> = { proxy: "asc", name: "asc", type: "asc", lb: "asc", health: "asc", rps: "desc", errors: "desc", p99: "desc", active: "desc" };

export interface ClusterRow {
  key: string;
  proxy: string;
  proxyName: string;
  name: string;
  type: string;
  lbPolicy: string;
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
  maxRetries: number;
  healthy: number;
  total: number;
  rps: number;
  errorRate: number | undefined;
  p99Ms: number | undefined;
  active: number;
  outlierDetection: boolean;
  /** Lower-cased name and proxy name, for the search box. */
  haystack: string;
}

export function queryFromParams(p: URLSearchParams): ClusterQuery {
  const sort = p.get("sort") as SortKey | null;
  const valid = sort !== null && (SORT_KEYS as readonly string[]).includes(sort);
  const dir = p.get("dir");
  return {
    proxy: p.get("proxy") ?? "",
    search: p.get("q") ?? "",
    sort: valid ? sort : DEFAULT_QUERY.sort,
    dir: dir === "asc" || dir === "desc" ? dir : valid ? NATURAL_DIR[sort] : DEFAULT_QUERY.dir,
  };
}

export function queryToParams(q: ClusterQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.proxy) p.set("proxy", q.proxy);
  if (q.search) p.set("q", q.search);
  if (q.sort !== DEFAULT_QUERY.sort || q.dir !== DEFAULT_QUERY.dir) {
    p.set("sort", q.sort);
    if (q.dir !== NATURAL_DIR[q.sort]) p.set("dir", q.dir);
  }
  return p;
}

export const rowKey = (proxy: string, name: string) => `${proxy}\n${name}`;

export function toRows(clusters: readonly Cluster[]): ClusterRow[] {
  return clusters.map(toRow);
}

export function toRow(c: Cluster): ClusterRow {
  const proxyName = shortProxy(c.proxy);
  const cb = c.circuitBreakers;
  return {
    key: rowKey(c.proxy, c.name),
    proxy: c.proxy,
    proxyName,
    name: c.name,
    type: c.type,
    lbPolicy: c.lbPolicy,
    maxConnections: cb?.maxConnections ?? 0,
    maxPendingRequests: cb?.maxPendingRequests ?? 0,
    maxRequests: cb?.maxRequests ?? 0,
    maxRetries: cb?.maxRetries ?? 0,
    healthy: c.healthyEndpoints,
    total: c.totalEndpoints,
    rps: c.traffic?.rps ?? 0,
    errorRate: c.traffic?.errorRate,
    p99Ms: c.traffic?.p99Ms,
    active: c.activeRequests,
    outlierDetection: c.outlierDetection,
    haystack: `${c.name}\n${proxyName}`.toLowerCase(),
  };
}

/** Share of endpoints the balancer may pick; a cluster with none sorts between broken and healthy. */
export function healthScore(r: ClusterRow): number {
  return r.total === 0 ? 0.5 : r.healthy / r.total;
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function value(r: ClusterRow, key: SortKey): number | string | undefined {
  switch (key) {
    case "proxy":
      return r.proxyName;
    case "name":
      return r.name;
    case "type":
      return r.type;
    case "lb":
      return r.lbPolicy;
    case "health":
      return healthScore(r);
    case "rps":
      return r.rps;
    case "errors":
      return r.errorRate;
    case "p99":
      return r.p99Ms;
    case "active":
      return r.active;
  }
}

/** Rows matching every search term (in the cluster or proxy name), sorted; empty values always last. */
export function visibleRows(rows: readonly ClusterRow[], q: Pick<ClusterQuery, "search" | "sort" | "dir">): ClusterRow[] {
  const terms = q.search.toLowerCase().split(/\s+/).filter(Boolean);
  const kept = terms.length ? rows.filter((r) => terms.every((t) => r.haystack.includes(t))) : [...rows];
  const sign = q.dir === "asc" ? 1 : -1;
  return kept.sort((a, b) => {
    const va = value(a, q.sort);
    const vb = value(b, q.sort);
    if (va !== vb) {
      if (va === undefined) return 1;
      if (vb === undefined) return -1;
      const c = typeof va === "number" && typeof vb === "number" ? va - vb : text(String(va), String(vb));
      if (c !== 0) return sign * c;
    }
    // Ties: busiest first, then by name and proxy, so the order is stable across refreshes.
    return b.rps - a.rps || text(a.name, b.name) || text(a.proxyName, b.proxyName);
  });
}
