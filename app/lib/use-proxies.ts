// Hook: every proxy the control plane knows, live. ListProxies (React Query) paints the first list; a
// MeshService.WatchProxies stream then replaces it on every change and reconnects with backoff when it
// breaks, reporting the stream's state so pages can show a degraded banner over the last known data.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Proxy } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { meshClient } from "./rpc";

export const PROXIES_KEY = ["mesh", "proxies"] as const;

export type WatchState =
  | { kind: "connecting" }
  | { kind: "live"; since: number }
  | { kind: "degraded"; message: string; since: number; retryAt: number; attempt: number };

/** 0.5 s, 1 s, 2 s, 4 s, 8 s, then every 10 s; ±20 % jitter so many tabs do not reconnect in step. */
export function reconnectDelayMs(attempt: number, random = Math.random()): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

function describe(err: unknown): string {
  const ce = ConnectError.from(err);
  return `${Code[ce.code] ?? ce.code}: ${ce.rawMessage || "connection lost"}`;
}

export function useProxies() {
  const qc = useQueryClient();
  const [watch, setWatch] = useState<WatchState>({ kind: "connecting" });
  const [updatedAt, setUpdatedAt] = useState<number | undefined>();
  const wake = useRef<(() => void) | undefined>(undefined);
  const degraded = watch.kind === "degraded";

  const query = useQuery({
    queryKey: PROXIES_KEY,
    queryFn: async ({ signal }) => {
      const proxies = (await meshClient().listProxies({}, { signal })).proxies;
      setUpdatedAt(Date.now());
      return proxies;
    },
    // The stream keeps the list fresh; poll only while it is down.
    refetchInterval: degraded ? 5000 : false,
    staleTime: Infinity,
  });

  useEffect(() => {
    const ac = new AbortController();
    void (async () => {
      let attempt = 0;
      let failedSince = 0;
      while (!ac.signal.aborted) {
        try {
          for await (const m of meshClient().watchProxies({}, { signal: ac.signal })) {
            attempt = 0;
            failedSince = 0;
            qc.setQueryData<Proxy[]>(PROXIES_KEY, m.proxies);
            setUpdatedAt(Date.now());
            setWatch((w) => (w.kind === "live" ? w : { kind: "live", since: Date.now() }));
          }
          throw new ConnectError("the server ended the status stream", Code.Unavailable);
        } catch (err) {
          if (ac.signal.aborted) return;
          attempt++;
          failedSince ||= Date.now();
          const delay = reconnectDelayMs(attempt);
          setWatch({ kind: "degraded", message: describe(err), since: failedSince, retryAt: Date.now() + delay, attempt });
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, delay);
            wake.current = () => {
              clearTimeout(t);
              resolve();
            };
            ac.signal.addEventListener("abort", () => wake.current?.(), { once: true });
          });
          wake.current = undefined;
        }
      }
    })();
    return () => ac.abort();
  }, [qc]);

  /** Reconnects now instead of waiting for the backoff. */
  const reconnect = useCallback(() => wake.current?.(), []);

  return {
    proxies: query.data,
    /** True until the first list arrives (from either ListProxies or the stream). */
    isPending: query.data === undefined && query.isPending,
    /** ListProxies failed and the stream has not delivered either. */
    error: query.data === undefined ? query.error : null,
    watch,
    updatedAt,
    reconnect,
  };
}
