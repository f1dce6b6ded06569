// What the rule lists show of a stored rule without opening it: hosts and gateways of a VirtualService,
// host and subsets of a DestinationRule, read from its YAML.

import { asObj, text } from "./form-kit";
import { isRuleKind, resolveHost, type RuleRef } from "./rule-ref";
import { specOfYaml } from "./rule-yaml";

export interface RuleEntry {
  ref: RuleRef;
  yaml: string;
  /** Revision that last changed the rule. */
  revision: number;
  /** VirtualService hosts, or the DestinationRule host. */
  hosts: string[];
  gateways: string[];
  /** DestinationRule subsets with their labels. */
  subsets: { name: string; labels: Record<string, string> }[];
  /** Route count (VirtualService) or "" */
  routes: number;
}

const list = (v: unknown) => (Array.isArray(v) ? v.map(text) : []);

export function summarizeRule(ref: { kind: string; namespace: string; name: string }, yaml: string, revision: number): RuleEntry | undefined {
  if (!isRuleKind(ref.kind)) return undefined;
  const spec = specOfYaml(yaml);
  const isVs = ref.kind === "VirtualService";
  return {
    ref: { kind: ref.kind, namespace: ref.namespace, name: ref.name },
    yaml,
    revision,
    hosts: isVs ? list(spec.hosts) : spec.host === undefined ? [] : [text(spec.host)],
    gateways: isVs ? list(spec.gateways) : [],
    subsets: isVs ? [] : (Array.isArray(spec.subsets) ? spec.subsets : []).map((s) => ({ name: text(asObj(s).name), labels: Object.fromEntries(Object.entries(asObj(asObj(s).labels)).map(([k, v]) => [k, text(v)])) })),
    routes: isVs && Array.isArray(spec.http) ? spec.http.length : 0,
  };
}

/** Subsets the DestinationRules define for `host` (as a destination in `namespace` names it). */
export function subsetsFor(rules: readonly RuleEntry[], host: string, namespace: string): string[] {
  if (!host) return [];
  const target = resolveHost(host, namespace);
  const out = new Set<string>();
  for (const r of rules) {
    if (r.ref.kind !== "DestinationRule" || !r.hosts[0]) continue;
    if (resolveHost(r.hosts[0], r.ref.namespace) === target) for (const s of r.subsets) if (s.name) out.add(s.name);
  }
  return [...out];
}
