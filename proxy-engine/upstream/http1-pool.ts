// An HTTP/1.1 connection pool for one upstream endpoint: up to max connections, one request each at a time,
// most recently used first (so warm connections stay warm and the surplus ages out), requests queued in order
// when every connection is busy, and connections idle for longer than the idle timeout closed. Closing a pool
// (its cluster went away or changed its limits) lets the requests it has finish.

import type { ClusterStats } from "./cluster";
import { Http1Connection, type ConnectionOwner, type Http1Exchange } from "./http1-connection";

/** The cluster stats (`cluster.<name>.upstream_cx_*`) the pools keep, shared by the cluster's endpoints' pools. */
export type Http1PoolStats = Pick<
  ClusterStats,
  | "upstream_cx_total"
  | "upstream_cx_http1_total"
  | "upstream_cx_active"
  | "upstream_cx_connect_timeout"
  | "upstream_cx_idle_timeout"
  | "upstream_cx_protocol_error"
  | "upstream_cx_destroy_local"
  | "upstream_cx_destroy_remote"
  | "upstream_cx_max_requests"
  | "upstream_rq_pending_total"
  | "upstream_rq_pending_active"
>;

/** Why connections close, as the stats count them: the peer's doing, or ours. */
const REMOTE_CLOSE = new Set(["UPSTREAM_CLOSED", "ECONNRESET", "EPIPE"]);

/** A cluster's settings for its pools (the circuit breaker's max_connections, common_http_protocol_options). */
export interface Http1PoolLimits {
  connectTimeoutMs: number;
  maxConnections: number;
  /** Idle connections are closed after this long; 0 keeps them. */
  idleTimeoutMs: number;
  /** A connection is closed after this many requests; 0: no limit. */
  maxRequestsPerConnection: number;
}

export interface Http1PoolOptions extends Http1PoolLimits {
  stats: Http1PoolStats;
}

export interface Http1Pool {
  /** Sends the exchange on an idle connection, a new one, or once one is free. */
  dispatch(ex: Http1Exchange): void;
  /** Abandons an exchange: taken out of the queue, or its connection detached. */
  cancel(ex: Http1Exchange): void;
  /** Connections open (busy, idle or connecting). */
  size(): number;
  /** Drains: idle connections close now, busy ones once the queue is empty. `force` closes every connection now. */
  close(force?: boolean): void;
}

export function createHttp1Pool(host: string, port: number, opts: Http1PoolOptions): Http1Pool {
  const idle: Http1Connection[] = [];
  const all = new Set<Http1Connection>();
  const queue: Http1Exchange[] = [];
  let closed = false;
  let sweeper: NodeJS.Timeout | undefined;

  const { stats } = opts;
  const open = (ex: Http1Exchange) => {
    stats.upstream_cx_total.value++;
    stats.upstream_cx_http1_total.value++;
    stats.upstream_cx_active.value++;
    all.add(new Http1Connection(owner, host, port, opts.connectTimeoutMs, opts.maxRequestsPerConnection, ex));
    if (!sweeper && opts.idleTimeoutMs > 0) {
      // Idle connections close between idle_timeout and 1.25× it.
      sweeper = setInterval(sweep, Math.min(15_000, Math.max(10, opts.idleTimeoutMs / 4)));
      sweeper.unref();
    }
  };
  const sweep = () => {
    const cutoff = performance.now() - opts.idleTimeoutMs;
    // idle is ordered oldest first.
    while (idle.length && idle[0]!.idleSince < cutoff) idle.shift()!.abort("IDLE_TIMEOUT", "idle timeout");
  };
  const dequeue = () => {
    const ex = queue.shift();
    if (ex) stats.upstream_rq_pending_active.value--;
    return ex;
  };
  const owner: ConnectionOwner = {
    release(conn) {
      const next = dequeue();
      if (next) return conn.run(next);
      if (closed) return conn.abort("POOL_CLOSED", "pool closed");
      idle.push(conn);
    },
    closed(conn, code, connected) {
      if (!all.delete(conn)) return;
      stats.upstream_cx_active.value--;
      if (!connected) {
        if (code === "ETIMEDOUT") stats.upstream_cx_connect_timeout.value++;
      } else if (code === "IDLE_TIMEOUT") stats.upstream_cx_idle_timeout.value++;
      else if (code === "MAX_REQUESTS") stats.upstream_cx_max_requests.value++;
      else if (code.startsWith("HPE_") || code === "UPSTREAM_PROTOCOL_ERROR") stats.upstream_cx_protocol_error.value++;
      if (connected) (REMOTE_CLOSE.has(code) ? stats.upstream_cx_destroy_remote : stats.upstream_cx_destroy_local).value++;
      const i = idle.indexOf(conn);
      if (i !== -1) idle.splice(i, 1);
      // A freed slot serves the queue.
      if (queue.length && all.size < opts.maxConnections) open(dequeue()!);
      if (all.size === 0 && sweeper) {
        clearInterval(sweeper);
        sweeper = undefined;
      }
    },
  };
  return {
    // A drained pool still serves what an older config version sends it (a retry, a failover), each on a
    // connection that closes after its one request.
    dispatch(ex) {
      const conn = idle.pop();
      if (conn) return conn.run(ex);
      if (all.size < opts.maxConnections) return open(ex);
      queue.push(ex);
      stats.upstream_rq_pending_total.value++;
      stats.upstream_rq_pending_active.value++;
    },
    cancel(ex) {
      if (ex.conn) return ex.conn.detach(ex);
      const i = queue.indexOf(ex);
      if (i === -1) return;
      queue.splice(i, 1);
      stats.upstream_rq_pending_active.value--;
      ex.onFailure("ABANDONED", "abandoned", false);
    },
    size: () => all.size,
    close(force) {
      closed = true;
      for (const c of force ? [...all] : idle.splice(0)) c.abort("POOL_CLOSED", "pool closed");
      if (force) {
        stats.upstream_rq_pending_active.value -= queue.length;
        for (const ex of queue.splice(0)) ex.onFailure("POOL_CLOSED", "pool closed", false);
      }
    },
  };
}
