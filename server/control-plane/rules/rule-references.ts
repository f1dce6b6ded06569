// Cross-references in a whole set of rules against the service registry: destination hosts, ports and
// subsets must exist; DestinationRule hosts must be services; mesh VirtualService hosts must be services;
// and one host may have only one VirtualService per gateway binding and one DestinationRule.

import type { ServiceLookup } from "../registry/registry-types";
import { closestNames, editDistance } from "./close-names";
import type { DestinationRule, RoutingRule, VirtualService } from "./istio-types";
import { type RuleKey, ruleKeyOf, ruleLabel } from "./raw-rule-doc";
import { resolveHost } from "./resolve-host";
import { appliesToGateway, appliesToMesh, MESH_GATEWAY } from "./validate-virtual-service";

export interface ReferenceIssue {
  /** ruleLabel of the rule the issue is in. */
  rule: string;
  path: string;
  message: string;
  /** Set for "subset not defined" issues. */
  subsetRef?: { host: string; subset: string };
}

/** What a DestinationRule that failed validation still tells us, so its subsets do not cause follow-on errors. */
export interface PartialDestinationRule {
  key: RuleKey;
  /** Resolved host. */
  host: string;
  subsets: string[];
}

export interface ReferenceOptions {
  /** Labels of rules being written; conflicts are reported only on these (default: all). */
  touched?: ReadonlySet<string>;
  partial?: readonly PartialDestinationRule[];
}

const MAX_KNOWN = 5;

export function unknownHostMessage(host: string, resolved: string, lookup: ServiceLookup): string {
  const services = lookup.services();
  const distance = (hostname: string) => {
    const svc = services.find((s) => s.hostname === hostname);
    return Math.min(editDistance(resolved, hostname), svc ? editDistance(host, svc.name) : Infinity);
  };
  const names = closestNames(resolved, services.map((s) => s.hostname), MAX_KNOWN, distance);
  const more = services.length > names.length ? `, … (${services.length - names.length} more)` : "";
  return `unknown host "${host}" (resolved as ${resolved}); known hosts: ${names.length ? names.join(", ") + more : "none"}`;
}

/** Subset names defined per resolved host. */
export function definedSubsets(rules: readonly RoutingRule[], partial: readonly PartialDestinationRule[] = []): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (host: string, names: readonly string[]) => {
    const set = out.get(host) ?? new Set<string>();
    for (const n of names) set.add(n);
    out.set(host, set);
  };
  for (const r of rules) if (r.kind === "DestinationRule") add(resolveHost(r.spec.host, r.metadata.namespace), (r.spec.subsets ?? []).map((s) => s.name));
  for (const p of partial) add(p.host, p.subsets);
  return out;
}

export function referenceIssues(rules: readonly RoutingRule[], lookup: ServiceLookup, opts: ReferenceOptions = {}): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const subsets = definedSubsets(rules, opts.partial);
  const isTouched = (label: string) => !opts.touched || opts.touched.has(label);
  for (const r of rules) {
    if (r.kind === "VirtualService") checkVirtualService(r, lookup, subsets, issues);
    else if (r.kind === "DestinationRule") checkDestinationRule(r, lookup, issues);
  }
  virtualServiceConflicts(rules.filter((r): r is VirtualService => r.kind === "VirtualService"), isTouched, issues);
  destinationRuleConflicts(rules.filter((r): r is DestinationRule => r.kind === "DestinationRule"), isTouched, issues);
  return issues;
}

function checkVirtualService(vs: VirtualService, lookup: ServiceLookup, subsets: Map<string, Set<string>>, issues: ReferenceIssue[]): void {
  const rule = ruleLabel(ruleKeyOf(vs));
  const ns = vs.metadata.namespace;
  if (!appliesToGateway(vs.spec)) {
    (vs.spec.hosts ?? []).forEach((h, i) => {
      const resolved = resolveHost(h, ns);
      if (h.startsWith("*") || lookup.service(resolved)) return;
      issues.push({ rule, path: `spec.hosts[${i}]`, message: `${unknownHostMessage(h, resolved, lookup)}; only rules bound to a gateway may name hosts outside the registry` });
    });
  }
  (vs.spec.http ?? []).forEach((route, i) => {
    (route.route ?? []).forEach((rd, j) => {
      const base = `spec.http[${i}].route[${j}].destination`;
      const d = rd.destination;
      const host = resolveHost(d.host, ns);
      const svc = lookup.service(host);
      if (!svc) return void issues.push({ rule, path: `${base}.host`, message: unknownHostMessage(d.host, host, lookup) });
      const ports = svc.ports.map((p) => p.port).join(", ");
      if (d.port) {
        if (!svc.ports.some((p) => p.port === d.port!.number)) issues.push({ rule, path: `${base}.port.number`, message: `port ${d.port.number} is not a port of ${host} (ports: ${ports || "none"})` });
      } else if (svc.ports.length > 1) {
        issues.push({ rule, path: `${base}.port`, message: `required because ${host} has several ports (${ports})` });
      }
      if (d.subset !== undefined && !subsets.get(host)?.has(d.subset)) {
        issues.push({ rule, path: `${base}.subset`, message: `subset "${d.subset}" is not defined by any DestinationRule for ${host}`, subsetRef: { host, subset: d.subset } });
      }
    });
  });
}

function checkDestinationRule(dr: DestinationRule, lookup: ServiceLookup, issues: ReferenceIssue[]): void {
  const host = resolveHost(dr.spec.host, dr.metadata.namespace);
  if (!lookup.service(host)) issues.push({ rule: ruleLabel(ruleKeyOf(dr)), path: "spec.host", message: unknownHostMessage(dr.spec.host, host, lookup) });
}

/** Istio merges VirtualServices for one host in an order users cannot see; meshdash refuses the overlap. */
function virtualServiceConflicts(list: readonly VirtualService[], isTouched: (label: string) => boolean, issues: ReferenceIssue[]): void {
  const byKey = new Map<string, { rule: string; path: string; binding: string; host: string }[]>();
  for (const vs of list) {
    const ns = vs.metadata.namespace;
    const bindings = new Set<string>();
    if (appliesToMesh(vs.spec)) bindings.add(MESH_GATEWAY);
    for (const g of vs.spec.gateways ?? []) if (g !== MESH_GATEWAY) bindings.add(g.includes("/") ? g : `${ns}/${g}`);
    (vs.spec.hosts ?? []).forEach((h, i) => {
      const host = resolveHost(h, ns).toLowerCase();
      for (const binding of bindings) {
        const key = `${binding}|${host}`;
        const entries = byKey.get(key) ?? [];
        entries.push({ rule: ruleLabel(ruleKeyOf(vs)), path: `spec.hosts[${i}]`, binding, host });
        byKey.set(key, entries);
      }
    });
  }
  for (const entries of byKey.values()) {
    if (entries.length < 2) continue;
    for (const e of entries) {
      if (!isTouched(e.rule)) continue;
      const others = [...new Set(entries.filter((o) => o.rule !== e.rule).map((o) => o.rule))];
      if (others.length === 0) continue;
      const where = e.binding === MESH_GATEWAY ? "in the mesh" : `on gateway ${e.binding}`;
      issues.push({ rule: e.rule, path: e.path, message: `host ${e.host} is also routed ${where} by ${others.join(", ")}; Istio would merge these rules unpredictably, so meshdash allows one VirtualService per host` });
    }
  }
}

function destinationRuleConflicts(list: readonly DestinationRule[], isTouched: (label: string) => boolean, issues: ReferenceIssue[]): void {
  const byHost = new Map<string, string[]>();
  for (const dr of list) {
    const host = resolveHost(dr.spec.host, dr.metadata.namespace).toLowerCase();
    byHost.set(host, [...(byHost.get(host) ?? []), ruleLabel(ruleKeyOf(dr))]);
  }
  for (const [host, labels] of byHost) {
    if (labels.length < 2) continue;
    for (const rule of labels) {
      if (!isTouched(rule)) continue;
      const others = labels.filter((l) => l !== rule);
      issues.push({ rule, path: "spec.host", message: `${host} already has ${others.join(", ")}; meshdash allows one DestinationRule per host (Istio would merge them unpredictably)` });
    }
  }
}
