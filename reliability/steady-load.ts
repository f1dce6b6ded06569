// A bounded, steady load for the reliability run: `rps` requests per second spread over a small keep-alive
// pool, each request's outcome recorded with its start time, so a fault's window can be cut out of the
// record afterwards (how many failed, and when the last one failed).

import { Pool } from "undici";

export interface Outcome {
  /** performance.now() when the request was sent. */
  at: number;
  ok: boolean;
  /** HTTP status, or 0 when the request failed without a response. */
  status: number;
  error?: string;
  latencyMs: number;
}

export interface SteadyLoad {
  /** Outcomes of requests sent in [from, to) (performance.now() times); requests still in flight are not counted. */
  between(from: number, to: number): Outcome[];
  /** Resolves once every request sent before `to` has finished (each ends by its timeout at the latest). */
  settled(to: number): Promise<void>;
  /** Resolves when every request sent so far has finished. */
  stop(): Promise<void>;
}

export interface SteadyLoadOptions {
  /** host:port of the listener. */
  address: string;
  /** Host header (selects the virtual host). */
  authority: string;
  path: string;
  rps: number;
  connections?: number;
  /** A request that takes longer than this fails (the client gives up). */
  timeoutMs?: number;
}

export function startSteadyLoad(opts: SteadyLoadOptions): SteadyLoad {
  const pool = new Pool(`http://${opts.address}`, { connections: opts.connections ?? 8, keepAliveTimeout: 30_000 });
  const outcomes: Outcome[] = [];
  /** Requests in flight, by their start time. */
  const inFlight = new Map<Promise<void>, number>();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const send = () => {
    const at = performance.now();
    const p = pool
      .request({ path: opts.path, method: "GET", headers: { host: opts.authority }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
      .then(
        async (r) => {
          await r.body.dump();
          outcomes.push({ at, ok: r.statusCode < 500, status: r.statusCode, latencyMs: performance.now() - at });
        },
        (e: Error) => {
          outcomes.push({ at, ok: false, status: 0, error: e.message, latencyMs: performance.now() - at });
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.set(p, at);
  };
  // A tick every 10 ms sends what the schedule owes, so the rate holds even when a timer fires late.
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * opts.rps);
    while (sent < due) {
      sent++;
      send();
    }
  }, 10);
  return {
    between(from, to) {
      return outcomes.filter((o) => o.at >= from && o.at < to);
    },
    async settled(to) {
      await Promise.all([...inFlight].filter(([, at]) => at < to).map(([p]) => p));
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight.keys());
      await pool.close();
    },
  };
}
