// React Query reads the config pages share (rules at the head revision, registry services) and the
// invalidation every write (push, rollback) runs so lists, history and dry runs refetch.
"use client";

import { useQuery, type QueryClient } from "@tanstack/react-query";
import { configClient, registryClient } from "../lib/rpc";
import { summarizeRule, type RuleEntry } from "./rule-summary";

export const configKeys = {
  all: ["config"] as const,
  rules: ["config", "rules"] as const,
  revisions: ["config", "revisions"] as const,
  dryRun: (yaml: string) => ["config", "dry-run", yaml] as const,
  diff: (from: number, to: number) => ["config", "diff", from, to] as const,
};
export const servicesKey = ["registry", "services"] as const;

export interface RuleSet {
  /** The head revision these rules are at. */
  revision: number;
  rules: RuleEntry[];
}

export async function fetchRules(): Promise<RuleSet> {
  const r = await configClient().listConfigs({});
  return {
    revision: Number(r.revision),
    rules: r.configs.flatMap((c) => {
      const e = c.ref ? summarizeRule(c.ref, c.yaml, Number(c.revision)) : undefined;
      return e ? [e] : [];
    }),
  };
}

export function useRules() {
  return useQuery({ queryKey: configKeys.rules, queryFn: fetchRules });
}

export function useServices() {
  return useQuery({
    queryKey: servicesKey,
    queryFn: async () => (await registryClient().listServices({})).services,
    refetchInterval: 10_000,
  });
}

/** Query roots a config write makes stale: config reads here, and what other pages derive from the rules. */
const AFFECTED_BY_WRITES = [configKeys.all, ["mesh"], ["routes"], ["clusters"], ["overview"], ["policy"]] as const;

/** After a write: every config read (rules, revisions, diffs, dry runs), proxy status, routes, clusters and policy status refetch. */
export function invalidateAfterWrite(qc: QueryClient): Promise<void> {
  return Promise.all(AFFECTED_BY_WRITES.map((queryKey) => qc.invalidateQueries({ queryKey }))).then(() => undefined);
}
