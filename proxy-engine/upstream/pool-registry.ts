// Upstream connection pools, kept across config swaps so a new config version does not drop warm
// connections: per cluster, an undici Pool per HTTP/1.1 endpoint and an HTTP/2 session per h2c endpoint.

import { Pool } from "undici";
import { createH2Sessions, type H2Sessions } from "./h2-sessions";
import { hostPort } from "./cluster";

export interface Http1Pools {
  get(host: string, port: number): Pool;
  closeAll(): void;
}

export interface PoolRegistry {
  http1For(cluster: string, connectTimeoutMs: number, maxConnections: number): Http1Pools;
  h2For(cluster: string): H2Sessions;
  /** Closes pools of clusters that are no longer configured. */
  retain(clusters: Iterable<string>): void;
  closeAll(): void;
}

function createHttp1Pools(connectTimeoutMs: number, maxConnections: number): Http1Pools {
  const pools = new Map<string, Pool>();
  return {
    get(host, port) {
      const key = hostPort(host, port);
      let p = pools.get(key);
      if (!p) {
        // pipelining 1: one request per connection at a time, as Envoy's HTTP/1.1 pool does.
        p = new Pool(`http://${key}`, { connections: maxConnections, pipelining: 1, keepAliveTimeout: 60_000, connect: { timeout: connectTimeoutMs, noDelay: true } });
        pools.set(key, p);
      }
      return p;
    },
    closeAll() {
      for (const p of pools.values()) void p.destroy().catch(() => {});
      pools.clear();
    },
  };
}

export function createPoolRegistry(): PoolRegistry {
  const h1 = new Map<string, { key: string; pools: Http1Pools }>();
  const h2 = new Map<string, H2Sessions>();
  return {
    http1For(cluster, connectTimeoutMs, maxConnections) {
      let e = h1.get(cluster);
      const key = `${connectTimeoutMs}/${maxConnections}`;
      if (!e || e.key !== key) {
        e?.pools.closeAll();
        e = { key, pools: createHttp1Pools(connectTimeoutMs, maxConnections) };
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
    retain(clusters) {
      const keep = new Set(clusters);
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
      for (const e of h1.values()) e.pools.closeAll();
      h1.clear();
      for (const s of h2.values()) s.closeAll();
      h2.clear();
    },
  };
}
