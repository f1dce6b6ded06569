// Hook: the Clusters list, live over ClusterService.WatchClusters. The first message(s) carry every row;
// later ones only the rows that changed and those that went away. Each message is folded in its own
// browser task, so a list of thousands never becomes one long task; a broken stream reconnects with
// backoff and its first message replaces everything held.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useState } from "react";
import { clusterClient } from "../lib/rpc";
import { rowKey, toRow, type ClusterRow } from "./cluster-rows";

export type ListState = { kind: "connecting" } | { kind: "live" } | { kind: "retrying"; message: string; attempt: number } | { kind: "failed"; message: string };

export interface ClusterList {
  /** undefined until the first full list arrived. */
  rows: ClusterRow[] | undefined;
  proxies: string[];
  windowMs: number;
  state: ListState;
}

/** Lets the browser paint and handle input between messages that arrive together. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function useClusterList(proxy: string): ClusterList {
  const [list, setList] = useState<ClusterList>({ rows: undefined, proxies: [], windowMs: 60_000, state: { kind: "connecting" } });
  useEffect(() => {
    const ac = new AbortController();
    setList((l) => ({ ...l, rows: undefined, state: { kind: "connecting" } }));
    void (async () => {
      let attempt = 0;
      const rows = new Map<string, ClusterRow>();
      while (!ac.signal.aborted) {
        try {
          for await (const m of clusterClient().watchClusters({ proxy }, { signal: ac.signal })) {
            attempt = 0;
            if (m.reset) rows.clear();
            for (const c of m.clusters) rows.set(rowKey(c.proxy, c.name), toRow(c));
            for (const k of m.removed) rows.delete(rowKey(k.proxy, k.name));
            if (!m.partial) setList({ rows: [...rows.values()], proxies: m.proxies, windowMs: m.windowMs, state: { kind: "live" } });
            await nextTask();
          }
          throw new ConnectError("the server ended the clusters stream", Code.Unavailable);
        } catch (err) {
          if (ac.signal.aborted) return;
          const ce = ConnectError.from(err);
          const message = `${Code[ce.code] ?? ce.code}: ${ce.rawMessage || "connection lost"}`;
          if (ce.code === Code.NotFound || ce.code === Code.InvalidArgument) return setList((l) => ({ ...l, rows: l.rows ?? [], state: { kind: "failed", message } }));
          attempt++;
          setList((l) => ({ ...l, state: { kind: "retrying", message, attempt } }));
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.min(10_000, 500 * 2 ** (attempt - 1)));
            ac.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
          });
        }
      }
    })();
    return () => ac.abort();
  }, [proxy]);
  return list;
}
