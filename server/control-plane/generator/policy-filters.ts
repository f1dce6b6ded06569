// The in-proxy policy filter (meshdash.policy.v1.PolicyFilter, Mixer's Check/Quota/Report) for one proxy:
// the CheckRules and Quotas that select it (same namespace, or the mesh-wide root namespace, and a selector
// matching its labels, as Istio's AuthorizationPolicy selects workloads), with report always on.

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { CheckRule_Action, CheckRuleSchema, PolicyFilterSchema, QuotaSchema, type PolicyFilter } from "../../../proto/gen/meshdash/policy/v1/policy_pb";
import { parseDuration } from "../rules/duration";
import type { PolicyRule, WorkloadSelector } from "../rules/istio-types";
import type { HttpFilterInit } from "./listeners";
import { durationFromMs } from "./proto-duration";

export const POLICY_FILTER = "meshdash.filters.http.policy";
/** Policies in this namespace apply to every workload of the mesh (Istio's root namespace). */
export const ROOT_NAMESPACE = "istio-system";


function selects(selector: WorkloadSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  return Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);
}

/** The policies that apply to a workload, in store order. */
export function policiesFor(policies: readonly PolicyRule[], namespace: string, labels: Readonly<Record<string, string>>): PolicyRule[] {
  return policies.filter((p) => (p.metadata.namespace === namespace || p.metadata.namespace === ROOT_NAMESPACE) && selects(p.spec.selector, labels));
}

/** The filter's config: check rules and quotas only where requests are admitted (inbound, gateway). */
export function policyFilterConfig(policies: readonly PolicyRule[], enforce: boolean): PolicyFilter {
  const cfg = create(PolicyFilterSchema, { report: true });
  if (!enforce) return cfg;
  for (const p of policies) {
    const name = `${p.metadata.namespace}/${p.metadata.name}`;
    if (p.kind === "CheckRule") {
      cfg.checkRules.push(create(CheckRuleSchema, { name, match: p.spec.match ?? "", action: p.spec.action === "DENY" ? CheckRule_Action.DENY : CheckRule_Action.ALLOW, reason: p.spec.reason ?? "" }));
    } else {
      cfg.quotas.push(create(QuotaSchema, { name, match: p.spec.match ?? "", dimensions: { ...(p.spec.dimensions ?? {}) }, maxAmount: p.spec.maxAmount, validDuration: durationFromMs(parseDuration(p.spec.validDuration)) }));
    }
  }
  return cfg;
}

export function policyHttpFilter(cfg: PolicyFilter): HttpFilterInit {
  return { name: POLICY_FILTER, configType: { case: "typedConfig", value: anyPack(PolicyFilterSchema, cfg) } };
}
