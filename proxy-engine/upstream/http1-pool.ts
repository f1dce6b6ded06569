// An HTTP/1.1 connection pool for one upstream endpoint: up to max connections, one request each at a time,
// most recently used first (so warm connections stay warm and the surplus ages out), requests queued in order
// when every connection is busy, and connections idle for longer than the idle timeout closed. Closing a pool
// (its cluster went away or changed its limits) lets the requests it has finish.

import { Http1Connection, type ConnectionOwner, type Http1Exchange } from "./http1-connection";

export interface Http1PoolOptions {
  connectTimeoutMs: number;
  maxConnections: number;
  /** Idle connections are closed after this long (undici's and node's agent keep-alive default is shorter; Envoy's is 1 h). */
  idleTimeoutMs: number;
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

  const open = (ex: Http1Exchange) => {
    all.add(new Http1Connection(owner, host, port, opts.connectTimeoutMs, ex));
    if (!sweeper) {
      sweeper = setInterval(sweep, Math.max(1000, opts.idleTimeoutMs / 4));
      sweeper.unref();
    }
  };
  const sweep = () => {
    const cutoff = performance.now() - opts.idleTimeoutMs;
    // idle is ordered oldest first.
    while (idle.length && idle[0]!.idleSince < cutoff) idle.shift()!.abort("IDLE_TIMEOUT", "idle timeout");
  };
  const owner: ConnectionOwner = {
    release(conn) {
      const next = queue.shift();
      if (next) return conn.run(next);
      if (closed) return conn.abort("POOL_CLOSED", "pool closed");
      idle.push(conn);
    },
    closed(conn) {
      all.delete(conn);
      const i = idle.indexOf(conn);
      if (i !== -1) idle.splice(i, 1);
      // A freed slot serves the queue.
      if (queue.length && all.size < opts.maxConnections) open(queue.shift()!);
      if (all.size === 0 && sweeper) {
        clearInterval(sweeper);
        sweeper = undefined;
      }
    },
  };
  return {
    dispatch(ex) {
      if (closed) return ex.onFailure("POOL_CLOSED", "pool closed", false);
      const conn = idle.pop();
      if (conn) return conn.run(ex);
      if (all.size < opts.maxConnections) return open(ex);
      queue.push(ex);
    },
    cancel(ex) {
      if (ex.conn) return ex.conn.detach(ex);
      const i = queue.indexOf(ex);
      if (i === -1) return;
      queue.splice(i, 1);
      ex.onFailure("ABANDONED", "abandoned", false);
    },
    size: () => all.size,
    close(force) {
      closed = true;
      for (const c of force ? [...all] : idle.splice(0)) c.abort("POOL_CLOSED", "pool closed");
      if (force) for (const ex of queue.splice(0)) ex.onFailure("POOL_CLOSED", "pool closed", false);
    },
  };
}
