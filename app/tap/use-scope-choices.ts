// Hook: the choices for the tap form's scope selects, from RegistryService.ListServices (services and
// their workloads) and MeshService.ListProxies (proxy node ids). Loaded once per minute at most.
"use client";

import { useQuery } from "@tanstack/react-query";
import { meshClient, registryClient } from "../lib/rpc";

export interface ScopeChoices {
  services: { hostname: string; workloads: string[] }[];
  workloads: string[];
  proxies: string[];
}

export function useScopeChoices() {
  const services = useQuery({
    queryKey: ["tap", "scope", "services"],
    queryFn: async ({ signal }) => (await registryClient().listServices({}, { signal })).services,
    staleTime: 60_000,
  });
  const proxies = useQuery({
    queryKey: ["tap", "scope", "proxies"],
    queryFn: async ({ signal }) => (await meshClient().listProxies({}, { signal })).proxies,
    staleTime: 60_000,
  });
  const svc = (services.data ?? []).map((s) => ({ hostname: s.hostname, workloads: s.instances.map((i) => i.name).filter(Boolean).sort() })).sort((a, b) => a.hostname.localeCompare(b.hostname));
  const choices: ScopeChoices = {
    services: svc,
    workloads: [...new Set(svc.flatMap((s) => s.workloads))].sort(),
    proxies: (proxies.data ?? []).map((p) => p.id).sort(),
  };
  return {
    choices,
    loading: services.isPending || proxies.isPending,
    error: services.error ?? proxies.error ?? undefined,
  };
}
