// Hook: follows one cluster's ClusterService.WatchClusterStats stream. The first message fills the charts
// with the last five minutes; each later one adds a sample. A broken stream reconnects with backoff (and
// its first message replaces the history, so nothing is lost or doubled).
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useState } from "react";
import { clusterClient } from "../../lib/rpc";
import { applyStatsMessage, type ChartPoint } from "./stats-points";

export type StatsStreamState = { kind: "connecting" } | { kind: "live" } | { kind: "retrying"; message: string; attempt: number } | { kind: "failed"; message: string };

export interface ClusterStats {
  points: ChartPoint[];
  state: StatsStreamState;
  intervalMs: number;
  windowMs: number;
}

const INITIAL: ClusterStats = { points: [], state: { kind: "connecting" }, intervalMs: 2000, windowMs: 300_000 };

export function useClusterStats(proxy: string, name: string): ClusterStats {
  const [stats, setStats] = useState<ClusterStats>(INITIAL);
  useEffect(() => {
    const ac = new AbortController();
    setStats(INITIAL);
    void (async () => {
      let attempt = 0;
      while (!ac.signal.aborted) {
        try {
          for await (const m of clusterClient().watchClusterStats({ proxy, name }, { signal: ac.signal })) {
            attempt = 0;
            setStats((s) => ({ points: applyStatsMessage(s.points, m), state: { kind: "live" }, intervalMs: m.intervalMs, windowMs: m.windowMs }));
          }
          throw new ConnectError("the server ended the stats stream", Code.Unavailable);
        } catch (err) {
          if (ac.signal.aborted) return;
          const ce = ConnectError.from(err);
          const message = `${Code[ce.code] ?? ce.code}: ${ce.rawMessage || "connection lost"}`;
          if (ce.code === Code.InvalidArgument) return setStats((s) => ({ ...s, state: { kind: "failed", message } }));
          attempt++;
          setStats((s) => ({ ...s, state: { kind: "retrying", message, attempt } }));
          // A cluster not pushed yet (NOT_FOUND) may appear any moment, but not within milliseconds.
          const delay = ce.code === Code.NotFound ? 5000 : Math.min(10_000, 500 * 2 ** (attempt - 1));
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, delay);
            ac.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
          });
        }
      }
    })();
    return () => ac.abort();
  }, [proxy, name]);
  return stats;
}
