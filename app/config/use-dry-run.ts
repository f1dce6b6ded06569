// Hook: a debounced server dry run (ApplyConfig dry_run) of the editor's YAML: the rule and per-proxy
// xDS diff against the running revision, or the server's field problems. Cached per YAML text.
"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { configClient } from "../lib/rpc";
import { summarizeChange, type ChangeSummary } from "./change-result";
import { configKeys } from "./config-queries";
import { problemsFromError, type FieldProblem } from "./field-errors";
import { useDebounced } from "./use-debounced";

export type DryRunResult = { kind: "ok"; yaml: string; change: ChangeSummary } | { kind: "invalid"; yaml: string; problems: FieldProblem[] };

export const DRY_RUN_DEBOUNCE_MS = 350;

export function useDryRun(yaml: string | undefined, expectedRevision: number | undefined) {
  const settled = useDebounced(yaml, DRY_RUN_DEBOUNCE_MS);
  const q = useQuery({
    queryKey: configKeys.dryRun(settled ?? ""),
    enabled: settled !== undefined && settled.trim() !== "",
    queryFn: async ({ signal }): Promise<DryRunResult> => {
      const text = settled ?? "";
      try {
        const r = await configClient().applyConfig({ yaml: text, expectedRevision: BigInt(expectedRevision ?? 0), dryRun: true }, { signal });
        return { kind: "ok", yaml: text, change: summarizeChange(r.result) };
      } catch (err) {
        const problems = problemsFromError(err);
        if (problems) return { kind: "invalid", yaml: text, problems };
        throw err;
      }
    },
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 5_000,
    refetchOnWindowFocus: false,
  });
  /** The result describes exactly the current text. */
  const fresh = q.data !== undefined && q.data.yaml === yaml && !q.isPlaceholderData;
  return { data: q.data, error: q.error, fresh: fresh && !q.isFetching, checking: yaml !== settled || q.isFetching };
}
