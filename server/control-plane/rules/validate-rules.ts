// Validates a change to the rule set: each new rule's spec, then every cross-reference in the state the
// change would produce (existing rules, with new ones replacing same kind/namespace/name and deletions
// removed). Problems that already existed in untouched rules are not blamed on the change.

import type { ServiceLookup } from "../registry/registry-types";
import { isDnsLabel, isDnsSubdomain } from "./common-schemas";
import { type FieldError, lineFor } from "./field-error";
import type { RoutingRule } from "./istio-types";
import { parseRulesYaml } from "./parse-rules-yaml";
import { isRuleKind, type RawRuleDoc, RULE_KINDS, type RuleKey, ruleKeyOf, ruleLabel, type RuleSource } from "./raw-rule-doc";
import { resolveHost } from "./resolve-host";
import { type PartialDestinationRule, type ReferenceIssue, referenceIssues } from "./rule-references";
import { validateDestinationRule } from "./validate-destination-rule";
import { validateCheckRule, validateQuota } from "./validate-policy-rule";
import { validateVirtualService } from "./validate-virtual-service";
import { isRecord, orList } from "./zod-kit";

export interface RuleSetInput {
  /** New or changed rules: parsed YAML (RawRuleDoc), store documents, or already-typed rules. */
  rules: ReadonlyArray<RawRuleDoc | RoutingRule>;
  lookup: ServiceLookup;
  /** The rules currently in the store. */
  existing: readonly RoutingRule[];
  /** Rules this change deletes. */
  deletes?: readonly RuleKey[];
}

export interface RuleSetResult {
  /** The input rules that passed spec validation, typed. Commit only when `errors` is empty. */
  rules: RoutingRule[];
  errors: FieldError[];
  warnings: FieldError[];
}

export function validateRuleSet(input: RuleSetInput): RuleSetResult {
  const out: RuleSetResult = { rules: [], errors: [], warnings: [] };
  const sources = new Map<string, RuleSource | undefined>();
  const partial: PartialDestinationRule[] = [];
  const locate = (label: string, e: { path: string; message: string }): FieldError => {
    const source = sources.get(label);
    const entry: FieldError = { path: e.path, message: e.message, rule: label };
    if (source) {
      entry.doc = source.doc;
      const line = lineFor(source.lines, e.path);
      if (line !== undefined) entry.line = line;
    }
    return entry;
  };

  for (const raw of input.rules) {
    const key = ruleKeyOf(raw);
    const label = ruleLabel(key);
    if (sources.has(label)) {
      const source = "source" in raw ? raw.source : undefined;
      const entry: FieldError = { path: "metadata.name", message: `${label} appears more than once in this change`, rule: label };
      if (source) Object.assign(entry, { doc: source.doc, line: lineFor(source.lines, "metadata.name") });
      out.errors.push(entry);
      continue;
    }
    sources.set(label, "source" in raw ? raw.source : undefined);
    const envelope = envelopeErrors(raw);
    if (envelope.length) {
      out.errors.push(...envelope.map((e) => locate(label, e)));
      continue;
    }
    const { name, namespace } = raw.metadata;
    if (raw.kind === "VirtualService") {
      const r = validateVirtualService(raw.spec, { namespace });
      out.errors.push(...r.errors.map((e) => locate(label, e)));
      out.warnings.push(...r.warnings.map((e) => locate(label, e)));
      if (r.value) out.rules.push({ kind: "VirtualService", metadata: { name, namespace }, spec: r.value });
    } else if (raw.kind === "DestinationRule") {
      const r = validateDestinationRule(raw.spec);
      out.errors.push(...r.errors.map((e) => locate(label, e)));
      out.warnings.push(...r.warnings.map((e) => locate(label, e)));
      if (r.value) out.rules.push({ kind: "DestinationRule", metadata: { name, namespace }, spec: r.value });
      else partial.push(...salvage(key, raw.spec));
    } else if (raw.kind === "CheckRule") {
      const r = validateCheckRule(raw.spec);
      out.errors.push(...r.errors.map((e) => locate(label, e)));
      out.warnings.push(...r.warnings.map((e) => locate(label, e)));
      if (r.value) out.rules.push({ kind: "CheckRule", metadata: { name, namespace }, spec: r.value });
    } else {
      const r = validateQuota(raw.spec);
      out.errors.push(...r.errors.map((e) => locate(label, e)));
      out.warnings.push(...r.warnings.map((e) => locate(label, e)));
      if (r.value) out.rules.push({ kind: "Quota", metadata: { name, namespace }, spec: r.value });
    }
  }

  const touched = new Set(sources.keys());
  const deleted = new Set((input.deletes ?? []).map(ruleLabel));
  const kept = input.existing.filter((r) => !touched.has(ruleLabel(ruleKeyOf(r))) && !deleted.has(ruleLabel(ruleKeyOf(r))));
  const finalState = [...kept, ...out.rules];
  const signature = (i: ReferenceIssue) => `${i.rule}\n${i.path}\n${i.message}`;
  const before = new Set(referenceIssues(input.existing, input.lookup).map(signature));
  for (const issue of referenceIssues(finalState, input.lookup, { touched, partial })) {
    if (touched.has(issue.rule)) out.errors.push(locate(issue.rule, issue));
    else if (!before.has(signature(issue))) out.errors.push(blameChange(issue, input, touched, deleted, locate));
  }
  return out;
}

/** Deleting rules: errors when a deleted DestinationRule's subset is still used by a VirtualService. */
export function validateDeletion(input: { keys: readonly RuleKey[]; lookup: ServiceLookup; existing: readonly RoutingRule[] }): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of input.keys) {
    if (!input.existing.some((r) => ruleLabel(ruleKeyOf(r)) === ruleLabel(key))) errors.push({ path: "", message: `${ruleLabel(key)} does not exist`, rule: ruleLabel(key) });
  }
  return [...errors, ...validateRuleSet({ rules: [], deletes: input.keys, lookup: input.lookup, existing: input.existing }).errors];
}

/** parseRulesYaml then validateRuleSet: the whole "apply this YAML" check. */
export function loadRulesYaml(text: string, opts: { lookup: ServiceLookup; existing: readonly RoutingRule[] }): RuleSetResult {
  const parsed = parseRulesYaml(text);
  const result = validateRuleSet({ rules: parsed.docs, lookup: opts.lookup, existing: opts.existing });
  return { rules: result.rules, errors: [...parsed.errors, ...result.errors], warnings: [...parsed.warnings, ...result.warnings] };
}

function envelopeErrors(raw: RawRuleDoc | RoutingRule): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  if (!isRuleKind(raw.kind)) errors.push({ path: "kind", message: `"${String(raw.kind)}" is not supported; use ${orList(RULE_KINDS)}` });
  const { name, namespace } = raw.metadata;
  if (typeof name !== "string" || !isDnsSubdomain(name)) errors.push({ path: "metadata.name", message: `invalid name ${JSON.stringify(name)}; use lowercase letters, digits, "-" and "." (a DNS subdomain)` });
  if (typeof namespace !== "string" || !isDnsLabel(namespace)) errors.push({ path: "metadata.namespace", message: `invalid namespace ${JSON.stringify(namespace)}; use lowercase letters, digits and "-" (a DNS label)` });
  return errors;
}

/** Host and subset names of a DestinationRule that failed validation. */
function salvage(key: RuleKey, spec: unknown): PartialDestinationRule[] {
  if (!isRecord(spec) || typeof spec.host !== "string") return [];
  const subsets = Array.isArray(spec.subsets) ? spec.subsets.flatMap((s: unknown) => (isRecord(s) && typeof s.name === "string" ? [s.name] : [])) : [];
  return [{ key, host: resolveHost(spec.host, key.namespace), subsets }];
}

/**
 * A new problem in a rule the change did not touch: a subset that a replaced or deleted DestinationRule used
 * to define. Reported on that DestinationRule, naming the VirtualService that still uses it.
 */
function blameChange(issue: ReferenceIssue, input: RuleSetInput, touched: ReadonlySet<string>, deleted: ReadonlySet<string>, locate: (label: string, e: { path: string; message: string }) => FieldError): FieldError {
  const ref = issue.subsetRef;
  const culprit = ref && input.existing.find((r) => {
    const label = ruleLabel(ruleKeyOf(r));
    return r.kind === "DestinationRule" && (touched.has(label) || deleted.has(label)) && resolveHost(r.spec.host, r.metadata.namespace) === ref.host && (r.spec.subsets ?? []).some((s) => s.name === ref.subset);
  });
  if (!ref || !culprit || culprit.kind !== "DestinationRule") return locate(issue.rule, issue);
  const label = ruleLabel(ruleKeyOf(culprit));
  const message = `subset "${ref.subset}" is still used by ${issue.rule} at ${issue.path}`;
  if (deleted.has(label)) {
    const index = (culprit.spec.subsets ?? []).findIndex((s) => s.name === ref.subset);
    return { rule: label, path: `spec.subsets[${index}]`, message: `cannot delete: ${message}` };
  }
  return locate(label, { path: "spec.subsets", message });
}
