// Hook: the proxies this server runs, refreshed every few seconds.
"use client";

import { useQuery } from "@tanstack/react-query";
import { meshClient } from "./rpc";

export function useProxies() {
  return useQuery({
    queryKey: ["mesh", "proxies"],
    queryFn: async () => (await meshClient().listProxies({})).proxies,
    refetchInterval: 5000,
  });
}
