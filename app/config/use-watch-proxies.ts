// Hook: MeshService.WatchProxies while `active`: the latest full proxy list (every message carries all of
// them), the stream's state, and a restart after a failure.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useState } from "react";
import type { Proxy } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { meshClient } from "../lib/rpc";

export type WatchState = { kind: "connecting" } | { kind: "live"; updatedAt: number } | { kind: "error"; message: string };

export function useWatchProxies(active: boolean) {
  const [proxies, setProxies] = useState<Proxy[] | undefined>();
  const [state, setState] = useState<WatchState>({ kind: "connecting" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!active) return;
    const ac = new AbortController();
    setState({ kind: "connecting" });
    void (async () => {
      try {
        for await (const msg of meshClient().watchProxies({}, { signal: ac.signal })) {
          setProxies(msg.proxies);
          setState({ kind: "live", updatedAt: Date.now() });
        }
        if (!ac.signal.aborted) setState({ kind: "error", message: "the status stream ended" });
      } catch (err) {
        if (ac.signal.aborted) return;
        const ce = ConnectError.from(err);
        setState({ kind: "error", message: `${Code[ce.code] ?? ce.code}: ${ce.rawMessage}` });
      }
    })();
    return () => ac.abort();
  }, [active, attempt]);

  return { proxies, state, retry: () => setAttempt((n) => n + 1) };
}
