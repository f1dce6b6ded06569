// React Query reads for the History page: revisions (newest first, paged) and the rule diff between two
// revisions; both live under the config key every write invalidates.
"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { configClient } from "../lib/rpc";
import { ruleChangeOf, type RuleChange } from "../config/change-result";
import { configKeys } from "../config/config-queries";

export const PAGE = 50;

export function useRevisions() {
  return useInfiniteQuery({
    queryKey: configKeys.revisions,
    initialPageParam: 0n,
    queryFn: async ({ pageParam }) => configClient().listRevisions({ limit: PAGE, before: pageParam }),
    getNextPageParam: (last) => {
      const oldest = last.revisions[last.revisions.length - 1];
      return last.revisions.length === PAGE && oldest && oldest.revision > 1n ? oldest.revision : undefined;
    },
  });
}

export function useRevisionDiff(from: number | undefined, to: number | undefined) {
  return useQuery({
    queryKey: configKeys.diff(from ?? 0, to ?? 0),
    enabled: from !== undefined && to !== undefined && from !== to,
    queryFn: async (): Promise<RuleChange[]> => {
      const r = await configClient().diffRevisions({ from: BigInt(from!), to: BigInt(to!) });
      return r.diffs.map(ruleChangeOf);
    },
    staleTime: 60_000,
  });
}
