// Writes rules back out as YAML (networking.istio.io/v1 for Istio's kinds, policy.meshdash.io/v1 for
// CheckRule and Quota) that parseRulesYaml and validateRuleSet read back to an equal rule.

import { stringify } from "yaml";
import type { RoutingRule } from "./istio-types";
import { ISTIO_API_VERSIONS, POLICY_API_VERSION } from "./istio-types";

export function ruleToYaml(rule: RoutingRule): string {
  const doc = {
    apiVersion: rule.kind === "CheckRule" || rule.kind === "Quota" ? POLICY_API_VERSION : ISTIO_API_VERSIONS[0],
    kind: rule.kind,
    metadata: { name: rule.metadata.name, namespace: rule.metadata.namespace },
    spec: rule.spec,
  };
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Several rules as one multi-document stream. */
export function rulesToYaml(rules: readonly RoutingRule[]): string {
  return rules.map(ruleToYaml).join("---\n");
}
