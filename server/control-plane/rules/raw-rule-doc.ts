// A routing rule as loaded but not yet validated (RawRuleDoc), where it came from in the YAML, rule keys and
// labels, and the adapter from config-store documents.

import type { RoutingRule } from "./istio-types";

export type RuleKind = RoutingRule["kind"];
export const RULE_KINDS: readonly RuleKind[] = ["VirtualService", "DestinationRule", "CheckRule", "Quota"];
/** Kinds of the policy.meshdash.io API group; the others are Istio's networking kinds. */
export const POLICY_KINDS: readonly RuleKind[] = ["CheckRule", "Quota"];

export interface RuleSource {
  /** 0-based index of the `---`-separated YAML document. */
  doc: number;
  /** 1-based line of each field path in this rule, e.g. "spec.http[0].route" → 12; "" is the rule itself. */
  lines: ReadonlyMap<string, number>;
}

export interface RawRuleDoc {
  /** A RuleKind when produced by parseRulesYaml; other sources are checked again by validateRuleSet. */
  kind: RuleKind;
  metadata: { name: string; namespace: string };
  /** The document's `spec:` as parsed; not yet validated. */
  spec: unknown;
  source?: RuleSource;
}

/** Identifies a rule; the same shape as the config store's ConfigKey. */
export interface RuleKey {
  kind: string;
  namespace: string;
  name: string;
}

export function ruleKeyOf(rule: { kind: string; metadata: { name: string; namespace: string } }): RuleKey {
  return { kind: rule.kind, namespace: rule.metadata.namespace, name: rule.metadata.name };
}

/** "VirtualService default/reviews": the FieldError.rule label and a map key. */
export function ruleLabel(key: RuleKey): string {
  return `${key.kind} ${key.namespace}/${key.name}`;
}

export function isRuleKind(kind: unknown): kind is RuleKind {
  return typeof kind === "string" && (RULE_KINDS as readonly string[]).includes(kind);
}

/** A config-store document ({kind, namespace, name, spec}) as a RawRuleDoc for validateRuleSet. */
export function rawRuleFromStored(doc: { kind: string; namespace: string; name: string; spec: unknown }): RawRuleDoc {
  return { kind: doc.kind as RuleKind, metadata: { name: doc.name, namespace: doc.namespace }, spec: doc.spec };
}
