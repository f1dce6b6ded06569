// The config write path (form or YAML → validated → stored as a revision → debounced push), shared by
// the RPC service and the demo seed: apply, delete and rollback, each with a dry run that stores nothing
// and returns the rule diff plus the diff of the xDS every connected proxy would receive.

import type { ControlPlane } from "../control-plane";
import { createGenerator } from "../generator/generator";
import type { FieldError } from "../rules/field-error";
import type { RoutingRule } from "../rules/istio-types";
import { loadRulesYaml, validateDeletion, validateRuleSet } from "../rules/validate-rules";
import type { ConfigKey, RevisionInfo } from "../store/config-store";
import { diffRules, keyString, ruleKey, rulesFromStore, type RuleDiff } from "./rule-records";
import { diffGenerated, type ResourceChange } from "./xds-diff";

export class ValidationFailed extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.rule ? `${e.rule} ` : ""}${e.path ? `${e.path}: ` : ""}${e.message}`).join("; "));
    this.name = "ValidationFailed";
  }
}

export interface ChangeOutcome {
  /** Undefined for a dry run. */
  revision?: RevisionInfo;
  warnings: FieldError[];
  configDiff: RuleDiff[];
  xdsDiff: ResourceChange[];
}

interface WriteMeta {
  expectedRevision: number;
  author: string;
  message: string;
  dryRun: boolean;
}

const currentRules = (cp: ControlPlane, revision?: number) => rulesFromStore(cp.store.list(revision));

/** The rule diff, and for a dry run the per-proxy xDS diff (generating for every proxy twice is not free). */
function outcome(cp: ControlPlane, before: RoutingRule[], after: RoutingRule[], warnings: FieldError[], dryRun: boolean): ChangeOutcome {
  const configDiff = diffRules(before, after);
  const nodes = cp.ads.status().map((s) => s.node);
  const xdsDiff = dryRun && configDiff.length ? diffGenerated(nodes, createGenerator(cp.pushContext), createGenerator(() => cp.contextFor(after))) : [];
  return { warnings, configDiff, xdsDiff };
}

function replaceIn(rules: RoutingRule[], changed: RoutingRule[], deleted: ConfigKey[] = []): RoutingRule[] {
  const drop = new Set([...changed.map((r) => keyString(ruleKey(r))), ...deleted.map(keyString)]);
  return [...rules.filter((r) => !drop.has(keyString(ruleKey(r)))), ...changed];
}

export async function applyConfigYaml(cp: ControlPlane, req: WriteMeta & { yaml: string }): Promise<ChangeOutcome> {
  const before = currentRules(cp);
  const result = loadRulesYaml(req.yaml, { lookup: cp.registry, existing: before });
  if (result.errors.length) throw new ValidationFailed(result.errors);
  if (result.rules.length === 0) throw new ValidationFailed([{ path: "", message: "no VirtualService or DestinationRule documents found" }]);
  const res = outcome(cp, before, replaceIn(before, result.rules), result.warnings, req.dryRun);
  if (req.dryRun) return res;
  const revision = cp.store.commit({
    expectedRevision: req.expectedRevision,
    author: req.author,
    message: req.message || `apply ${result.rules.map((r) => `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`).join(", ")}`,
    changes: result.rules.map((r) => ({ op: "put" as const, ...ruleKey(r), spec: r.spec })),
  });
  return { ...res, revision };
}

export async function deleteConfig(cp: ControlPlane, req: WriteMeta & { key: ConfigKey }): Promise<ChangeOutcome> {
  const before = currentRules(cp);
  const errors = validateDeletion({ keys: [req.key], lookup: cp.registry, existing: before });
  if (errors.length) throw new ValidationFailed(errors);
  const res = outcome(cp, before, replaceIn(before, [], [req.key]), [], req.dryRun);
  if (req.dryRun) return res;
  const revision = cp.store.commit({
    expectedRevision: req.expectedRevision,
    author: req.author,
    message: req.message || `delete ${req.key.kind} ${req.key.namespace}/${req.key.name}`,
    changes: [{ op: "delete", ...req.key }],
  });
  return { ...res, revision };
}

export async function rollbackConfig(cp: ControlPlane, req: WriteMeta & { to: number }): Promise<ChangeOutcome> {
  const before = currentRules(cp);
  const target = currentRules(cp, req.to);
  // The target state is re-validated against today's registry: a service may have gone since.
  const diff = diffRules(before, target);
  const result = validateRuleSet({
    rules: diff.flatMap((d) => (d.after ? [d.after] : [])),
    deletes: diff.filter((d) => d.change === "REMOVED").map((d) => d.key),
    lookup: cp.registry,
    existing: before,
  });
  if (result.errors.length) throw new ValidationFailed(result.errors);
  const res = outcome(cp, before, target, result.warnings, req.dryRun);
  if (req.dryRun) return res;
  const revision = cp.store.rollback(req.to, { author: req.author, message: req.message || undefined, expectedRevision: req.expectedRevision });
  return { ...res, revision };
}

/** Rules at two revisions, diffed (history view). */
export function diffRevisions(cp: ControlPlane, from: number, to: number): RuleDiff[] {
  return diffRules(currentRules(cp, from), currentRules(cp, to));
}
