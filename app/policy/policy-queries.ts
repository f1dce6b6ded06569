// React Query reads of the Policy page: the stored CheckRules and Quotas (from the shared rule list, so a
// push refreshes them) and every proxy's live policy status, polled every 2 s.
"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useRules } from "../config/config-queries";
import { policyClient } from "../lib/rpc";
import { policyRuleOf, type PolicyRule } from "./policy-rows";

export const POLICY_POLL_MS = 2000;
export const policyKeys = { status: ["policy", "status"] as const };

export function usePolicyRules() {
  const rules = useRules();
  const policies = useMemo<PolicyRule[] | undefined>(() => rules.data?.rules.flatMap((r) => policyRuleOf(r.ref, r.yaml, r.revision) ?? []), [rules.data]);
  return { ...rules, policies };
}

export function usePolicyStatus() {
  return useQuery({
    queryKey: policyKeys.status,
    queryFn: async ({ signal }) => policyClient().getPolicyStatus({}, { signal }),
    refetchInterval: POLICY_POLL_MS,
    refetchIntervalInBackground: false,
  });
}
