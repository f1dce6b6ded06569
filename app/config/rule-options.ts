// Choices the forms offer from live data: destination hosts and their ports from the registry, subsets from
// the DestinationRules for a host, and label keys/values seen on a service's endpoints.

import type { Service } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { resolveHost } from "./rule-ref";
import { subsetsFor, type RuleEntry } from "./rule-summary";

export interface RuleOptions {
  services: readonly Service[];
  rules: readonly RuleEntry[];
}

export interface Choice {
  value: string;
  label: string;
}

/** Hosts as a rule in `namespace` names them: the short name in its own namespace, name.namespace elsewhere. */
export function hostChoices(services: readonly Service[], namespace: string, current: string): Choice[] {
  const out = services.map((s) => ({ value: s.namespace === (namespace || "default") ? s.name : `${s.name}.${s.namespace}`, label: s.hostname }));
  if (current && !out.some((c) => c.value === current)) out.unshift({ value: current, label: `${current} (not in the registry)` });
  return out;
}

export function serviceFor(services: readonly Service[], host: string, namespace: string): Service | undefined {
  if (!host) return undefined;
  const target = resolveHost(host, namespace || "default");
  return services.find((s) => s.hostname === target);
}

export function portChoices(services: readonly Service[], host: string, namespace: string, current: string): Choice[] {
  const s = serviceFor(services, host, namespace);
  const out = (s?.ports ?? []).map((p) => ({ value: String(p.port), label: `${p.port}${p.name ? ` (${p.name})` : ""}` }));
  if (current && !out.some((c) => c.value === current)) out.push({ value: current, label: current });
  return out;
}

export function subsetChoices(rules: readonly RuleEntry[], host: string, namespace: string, current: string): Choice[] {
  const out = subsetsFor(rules, host, namespace || "default").map((s) => ({ value: s, label: s }));
  if (current && !out.some((c) => c.value === current)) out.push({ value: current, label: `${current} (no DestinationRule defines it)` });
  return out;
}

/** How many of the host's endpoints carry every label in `labels`. */
export function matchingEndpoints(services: readonly Service[], host: string, namespace: string, labels: Record<string, string>): { matching: number; total: number } | undefined {
  const s = serviceFor(services, host, namespace);
  if (!s) return undefined;
  const entries = Object.entries(labels).filter(([k]) => k !== "");
  const matching = s.instances.filter((i) => entries.length > 0 && entries.every(([k, v]) => i.labels[k] === v)).length;
  return { matching, total: s.instances.length };
}

/** Label keys and values seen on the host's endpoints (for suggestions). */
export function labelSuggestions(services: readonly Service[], host: string, namespace: string): { keys: string[]; values: string[] } {
  const s = serviceFor(services, host, namespace);
  const keys = new Set<string>();
  const values = new Set<string>();
  for (const i of s?.instances ?? []) {
    for (const [k, v] of Object.entries(i.labels)) {
      keys.add(k);
      values.add(v);
    }
  }
  return { keys: [...keys].sort(), values: [...values].sort() };
}
