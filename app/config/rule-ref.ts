// Which rule an editor or link is about: kind, namespace and name, with the /config/edit URL for it.

export const RULE_KINDS = ["VirtualService", "DestinationRule", "CheckRule", "Quota"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
/** The policy.meshdash.io kinds (Mixer's Check and memquota); the others are Istio's routing kinds. */
export const POLICY_KINDS = ["CheckRule", "Quota"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export function isPolicyKind(s: string | null | undefined): s is PolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(s ?? "");
}

export interface RuleRef {
  kind: RuleKind;
  namespace: string;
  name: string;
}

export function isRuleKind(s: string | null | undefined): s is RuleKind {
  return (RULE_KINDS as readonly string[]).includes(s ?? "");
}

export const ruleLabel = (r: { kind: string; namespace: string; name: string }) => `${r.kind} ${r.namespace}/${r.name}`;
export const sameRule = (a: { kind: string; namespace: string; name: string }, b: { kind: string; namespace: string; name: string }) =>
  a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

/** The editor for an existing rule, or for a new rule of `kind` when there is no name. */
export function editHref(kind: RuleKind, namespace?: string, name?: string): string {
  const p = new URLSearchParams({ kind });
  if (namespace && name) {
    p.set("namespace", namespace);
    p.set("name", name);
  }
  return `/config/edit?${p.toString()}`;
}

/** The rule an editor URL names; `name` undefined means a new rule. */
export function refFromParams(p: URLSearchParams): { kind: RuleKind; namespace?: string; name?: string } | undefined {
  const kind = p.get("kind");
  if (!isRuleKind(kind)) return undefined;
  const name = p.get("name") || undefined;
  return { kind, name, namespace: name ? p.get("namespace") || "default" : undefined };
}

/** Istio's short-name resolution: "reviews" in "default" → reviews.default.svc.cluster.local. */
export function resolveHost(host: string, namespace: string): string {
  if (host.startsWith("*")) return host;
  const dots = host.split(".").length - 1;
  if (dots === 0) return `${host}.${namespace || "default"}.svc.cluster.local`;
  if (dots === 1) return `${host}.svc.cluster.local`;
  return host;
}
