// Upstream connection pools, kept across config swaps so a new config version does not drop warm
// connections: per cluster, an HTTP/1.1 pool per endpoint and an HTTP/2 session per h2c endpoint.

import { createH2Sessions, type H2Sessions } from "./h2-sessions";
import { hostPort } from "./cluster";
import { createHttp1Pool, type Http1Pool, type Http1PoolLimits, type Http1PoolStats } from "./http1-pool";

export interface Http1Pools {
  get(host: string, port: number): Http1Pool;
  /** Drains every pool (in-flight requests finish), or with `force` closes their connections now. */
  closeAll(force?: boolean): void;
}

export interface PoolRegistry {
  /** The cluster's pools; new ones (and the old ones drained) when its limits changed. */
  http1For(cluster: string, limits: Http1PoolLimits, stats: Http1PoolStats): Http1Pools;
  h2For(cluster: string): H2Sessions;
  /**
   * After a config version went live: drains the pools of clusters it no longer has, and pools that a newer
   * compile replaced (new limits) unless that version still uses them.
   */
  retain(clusters: Iterable<string>, inUse: Iterable<Http1Pools>): void;
  closeAll(): void;
}

function createHttp1Pools(limits: Http1PoolLimits, stats: Http1PoolStats): Http1Pools {
  const pools = new Map<string, Http1Pool>();
  return {
    get(host, port) {
      const key = hostPort(host, port);
      let p = pools.get(key);
      if (!p) {
        p = createHttp1Pool(host, port, { ...limits, stats });
        pools.set(key, p);
      }
      return p;
    },
    closeAll(force) {
      for (const p of pools.values()) p.close(force);
      pools.clear();
    },
  };
}

export function createPoolRegistry(): PoolRegistry {
  const h1 = new Map<string, { key: string; pools: Http1Pools }>();
  const h2 = new Map<string, H2Sessions>();
  // Replaced while compiling a config version that may yet be rejected: the running version may still
  // use these, so they are drained only once a version that does not is live (retain).
  const superseded = new Set<Http1Pools>();
  return {
    http1For(cluster, limits, stats) {
      let e = h1.get(cluster);
      const key = `${limits.connectTimeoutMs}/${limits.maxConnections}/${limits.idleTimeoutMs}/${limits.maxRequestsPerConnection}`;
      if (!e || e.key !== key) {
        if (e) superseded.add(e.pools);
        e = { key, pools: createHttp1Pools(limits, stats) };
        h1.set(cluster, e);
      }
      return e.pools;
    },
    h2For(cluster) {
      let s = h2.get(cluster);
      if (!s) {
        s = createH2Sessions();
        h2.set(cluster, s);
      }
      return s;
    },
    retain(clusters, inUse) {
      const keep = new Set(clusters);
      const using = new Set(inUse);
      for (const p of superseded) {
        if (using.has(p)) continue;
        p.closeAll();
        superseded.delete(p);
      }
      for (const [name, e] of h1) {
        if (!keep.has(name)) {
          e.pools.closeAll();
          h1.delete(name);
        }
      }
      for (const [name, s] of h2) {
        if (!keep.has(name)) {
          s.closeAll();
          h2.delete(name);
        }
      }
    },
    closeAll() {
      for (const p of superseded) p.closeAll(true);
      superseded.clear();
      for (const e of h1.values()) e.pools.closeAll(true);
      h1.clear();
      for (const s of h2.values()) s.closeAll();
      h2.clear();
    },
  };
}
