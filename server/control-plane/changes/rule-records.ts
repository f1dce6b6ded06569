// Converts between what the config store holds (kind, namespace, name, spec JSON) and typed routing
// rules, and diffs two sets of rules for history views and dry runs.

import type { ConfigKey, StoredConfig } from "../store/config-store";
import type { CheckRule, DestinationRule, PolicyRule, Quota, RoutingRule, VirtualService } from "../rules/istio-types";

export function ruleKey(rule: RoutingRule): ConfigKey {
  return { kind: rule.kind, namespace: rule.metadata.namespace, name: rule.metadata.name };
}

export const keyString = (k: ConfigKey) => `${k.kind}/${k.namespace}/${k.name}`;

/** Stored documents of the routing kinds, as typed rules (the store only ever holds validated specs). */
export function rulesFromStore(docs: readonly StoredConfig[]): RoutingRule[] {
  const out: RoutingRule[] = [];
  for (const d of docs) {
    const metadata = { name: d.name, namespace: d.namespace };
    if (d.kind === "VirtualService") out.push({ kind: "VirtualService", metadata, spec: d.spec as VirtualService["spec"] });
    else if (d.kind === "DestinationRule") out.push({ kind: "DestinationRule", metadata, spec: d.spec as DestinationRule["spec"] });
    else if (d.kind === "CheckRule") out.push({ kind: "CheckRule", metadata, spec: d.spec as CheckRule["spec"] });
    else if (d.kind === "Quota") out.push({ kind: "Quota", metadata, spec: d.spec as Quota["spec"] });
  }
  return out;
}

export function splitRules(rules: readonly RoutingRule[]): { virtualServices: VirtualService[]; destinationRules: DestinationRule[]; policies: PolicyRule[] } {
  return {
    virtualServices: rules.filter((r): r is VirtualService => r.kind === "VirtualService"),
    destinationRules: rules.filter((r): r is DestinationRule => r.kind === "DestinationRule"),
    policies: rules.filter((r): r is PolicyRule => r.kind === "CheckRule" || r.kind === "Quota"),
  };
}

export type ChangeKindName = "ADDED" | "REMOVED" | "MODIFIED";

export interface RuleDiff {
  key: ConfigKey;
  change: ChangeKindName;
  before?: RoutingRule;
  after?: RoutingRule;
}

/** Rules that differ between two states, sorted by key. Specs compare as canonical JSON. */
export function diffRules(before: readonly RoutingRule[], after: readonly RoutingRule[]): RuleDiff[] {
  const a = new Map(before.map((r) => [keyString(ruleKey(r)), r]));
  const b = new Map(after.map((r) => [keyString(ruleKey(r)), r]));
  const out: RuleDiff[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    if (x && !y) out.push({ key: ruleKey(x), change: "REMOVED", before: x });
    else if (!x && y) out.push({ key: ruleKey(y), change: "ADDED", after: y });
    else if (x && y && canonicalJson(x.spec) !== canonicalJson(y.spec)) out.push({ key: ruleKey(y), change: "MODIFIED", before: x, after: y });
  }
  return out.sort((p, q) => keyString(p.key).localeCompare(keyString(q.key)));
}

export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === "object" && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y))) : val,
  );
}
