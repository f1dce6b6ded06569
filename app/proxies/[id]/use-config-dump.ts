// Hook: one proxy's config dump (MeshService.GetConfigDump). The proxy's config version is part of the
// query key, so the dump reloads by itself when a push lands; the previous dump stays on screen meanwhile.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { meshClient } from "../../lib/rpc";

export interface DumpQuery {
  resource: string;
  nameRegex: string;
}

/** Answers that another try cannot change. */
const FINAL = new Set([Code.NotFound, Code.InvalidArgument, Code.FailedPrecondition]);

export function useConfigDump(proxyId: string, q: DumpQuery, configVersion: string, enabled: boolean) {
  return useQuery({
    queryKey: ["mesh", "config-dump", proxyId, q.resource, q.nameRegex, configVersion],
    queryFn: ({ signal }) => meshClient().getConfigDump({ proxyId, resource: q.resource, nameRegex: q.nameRegex }, { signal }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: (count, err) => count < 2 && !FINAL.has(ConnectError.from(err).code),
  });
}

export function errorText(err: unknown): string {
  const ce = ConnectError.from(err);
  return `${Code[ce.code] ?? ce.code}: ${ce.rawMessage}`;
}
