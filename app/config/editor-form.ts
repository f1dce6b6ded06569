// The editor's rule, whichever kind it is: a new form, the form ↔ Istio object conversions, the paths its
// fields show problems at, and the client-side checks of the form or of the YAML text.

import { checkRuleFromIstio, checkRulePaths, checkRuleToIstio, newCheckRule, type CheckRuleForm } from "./check-rule-form";
import { destinationRuleFromIstio, destinationRulePaths, destinationRuleToIstio, newDestinationRule, type DestinationRuleForm } from "./destination-rule-form";
import { destinationRuleProblems } from "./destination-rule-schema";
import type { FieldProblem } from "./field-errors";
import type { Obj } from "./form-kit";
import { checkRuleProblems, quotaProblems } from "./policy-rule-schema";
import { newQuota, quotaFromIstio, quotaPaths, quotaToIstio, type QuotaForm } from "./quota-form";
import { isRuleKind, RULE_KINDS, type RuleKind } from "./rule-ref";
import { parseRuleYaml, withLines } from "./rule-yaml";
import { newVirtualService, virtualServiceFromIstio, virtualServicePaths, virtualServiceToIstio, type FromIstio, type VirtualServiceForm } from "./virtual-service-form";
import { virtualServiceProblems } from "./virtual-service-schema";

interface FormValues {
  VirtualService: VirtualServiceForm;
  DestinationRule: DestinationRuleForm;
  CheckRule: CheckRuleForm;
  Quota: QuotaForm;
}

export type EditorForm = { [K in RuleKind]: { kind: K; value: FormValues[K] } }[RuleKind];

/** One kind's form operations. */
interface KindOps<F> {
  create(namespace: string): F;
  toIstio(f: F): Obj;
  fromIstio(doc: unknown): FromIstio<F>;
  paths(f: F): Set<string>;
  problems(doc: unknown): FieldProblem[];
}

const OPS: { [K in RuleKind]: KindOps<FormValues[K]> } = {
  VirtualService: { create: newVirtualService, toIstio: virtualServiceToIstio, fromIstio: virtualServiceFromIstio, paths: virtualServicePaths, problems: virtualServiceProblems },
  DestinationRule: { create: newDestinationRule, toIstio: destinationRuleToIstio, fromIstio: destinationRuleFromIstio, paths: destinationRulePaths, problems: destinationRuleProblems },
  CheckRule: { create: newCheckRule, toIstio: checkRuleToIstio, fromIstio: checkRuleFromIstio, paths: checkRulePaths, problems: checkRuleProblems },
  Quota: { create: newQuota, toIstio: quotaToIstio, fromIstio: quotaFromIstio, paths: quotaPaths, problems: quotaProblems },
};

/** The operations of `f`'s kind, typed for its value (the union cannot say that by itself). */
const opsOf = (kind: RuleKind) => OPS[kind] as KindOps<unknown>;

export function newForm(kind: RuleKind, namespace = "default"): EditorForm {
  return { kind, value: opsOf(kind).create(namespace) } as EditorForm;
}

export function formToIstio(f: EditorForm): Obj {
  return opsOf(f.kind).toIstio(f.value);
}

export function formFromIstio(kind: RuleKind, doc: unknown): FromIstio<EditorForm> {
  const r = opsOf(kind).fromIstio(doc);
  return "form" in r ? { form: { kind, value: r.form } as EditorForm } : r;
}

export function formPaths(f: EditorForm): Set<string> {
  return opsOf(f.kind).paths(f.value);
}

export function schemaProblems(kind: RuleKind, doc: unknown): FieldProblem[] {
  return opsOf(kind).problems(doc);
}

export interface YamlCheck {
  problems: FieldProblem[];
  /** The one rule document, when the text holds exactly one. */
  doc?: unknown;
  docCount: number;
}

const KINDS_TEXT = `${RULE_KINDS.slice(0, -1).join(", ")} or ${RULE_KINDS.at(-1)}`;

/** Client-side checks of the YAML editor's text: syntax, then the schema of each rule document. */
export function checkYaml(text: string): YamlCheck {
  const parsed = parseRuleYaml(text);
  if (parsed.problems.length) return { problems: parsed.problems, docCount: 0 };
  if (parsed.docs.length === 0) return { problems: [{ path: "", message: `empty: write a ${KINDS_TEXT} document`, source: "client", severity: "error" }], docCount: 0 };
  if (parsed.docs.length > 1) return { problems: [], docCount: parsed.docs.length };
  const doc = parsed.docs[0];
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (typeof kind !== "string" || !isRuleKind(kind)) return { problems: [{ path: "kind", message: `must be ${KINDS_TEXT}`, line: 1, source: "client", severity: "error" }], doc, docCount: 1 };
  return { problems: withLines(schemaProblems(kind, doc), text), doc, docCount: 1 };
}
