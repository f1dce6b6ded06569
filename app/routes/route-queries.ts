// Hooks for the Routes page: the proxies that run in this process (for the selector), one proxy's route
// tree refreshed every few seconds (its live figures move), and ExplainRoute for the "Test a request" form.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useMutation, useQuery } from "@tanstack/react-query";
import { ProxyRole } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { meshClient, routeClient } from "../lib/rpc";
import type { ExplainForm } from "./explain-query";
import { toExplainRequest } from "./explain-query";

export const TREE_REFRESH_MS = 3000;

export interface ProxyChoice {
  id: string;
  gateway: boolean;
}

export function describeError(err: unknown): string {
  const ce = ConnectError.from(err);
  return `${Code[ce.code] ?? ce.code}: ${ce.rawMessage}`;
}

/** In-process proxies only (external xDS clients have no route tree here), the gateways first. */
export function useRouteProxies() {
  return useQuery({
    queryKey: ["routes", "proxies"],
    queryFn: async ({ signal }): Promise<ProxyChoice[]> => {
      const { proxies } = await meshClient().listProxies({}, { signal });
      return proxies
        .filter((p) => p.inProcess)
        .map((p) => ({ id: p.id, gateway: p.role === ProxyRole.GATEWAY }))
        .sort((a, b) => Number(b.gateway) - Number(a.gateway) || a.id.localeCompare(b.id));
    },
    staleTime: 30_000,
  });
}

export function useRouteTree(proxy: string | undefined) {
  return useQuery({
    queryKey: ["routes", "tree", proxy],
    queryFn: async ({ signal }) => {
      const res = await routeClient().getRouteTree({ proxy }, { signal });
      return { proxy: res.proxies[0], windowSeconds: res.windowSeconds };
    },
    enabled: !!proxy,
    refetchInterval: TREE_REFRESH_MS,
  });
}

export function useExplainRoute() {
  return useMutation({
    mutationFn: async ({ proxy, form }: { proxy: string; form: ExplainForm }) => ({ proxy, result: await routeClient().explainRoute(toExplainRequest(proxy, form)) }),
  });
}
