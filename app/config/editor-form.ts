// The editor's rule, whichever kind it is: a new form, the form ↔ Istio object conversions, the paths its
// fields show problems at, and the client-side checks of the form or of the YAML text.

import { destinationRuleFromIstio, destinationRulePaths, destinationRuleToIstio, newDestinationRule, type DestinationRuleForm } from "./destination-rule-form";
import { destinationRuleProblems } from "./destination-rule-schema";
import type { FieldProblem } from "./field-errors";
import type { Obj } from "./form-kit";
import { isRuleKind, type RuleKind } from "./rule-ref";
import { parseRuleYaml, withLines } from "./rule-yaml";
import { newVirtualService, virtualServiceFromIstio, virtualServicePaths, virtualServiceToIstio, type FromIstio, type VirtualServiceForm } from "./virtual-service-form";
import { virtualServiceProblems } from "./virtual-service-schema";

export type EditorForm = { kind: "VirtualService"; value: VirtualServiceForm } | { kind: "DestinationRule"; value: DestinationRuleForm };

export function newForm(kind: RuleKind, namespace = "default"): EditorForm {
  return kind === "VirtualService" ? { kind, value: newVirtualService(namespace) } : { kind, value: newDestinationRule(namespace) };
}

export function formToIstio(f: EditorForm): Obj {
  return f.kind === "VirtualService" ? virtualServiceToIstio(f.value) : destinationRuleToIstio(f.value);
}

export function formFromIstio(kind: RuleKind, doc: unknown): FromIstio<EditorForm> {
  if (kind === "VirtualService") {
    const r = virtualServiceFromIstio(doc);
    return "form" in r ? { form: { kind, value: r.form } } : r;
  }
  const r = destinationRuleFromIstio(doc);
  return "form" in r ? { form: { kind, value: r.form } } : r;
}

export function formPaths(f: EditorForm): Set<string> {
  return f.kind === "VirtualService" ? virtualServicePaths(f.value) : destinationRulePaths(f.value);
}

export function schemaProblems(kind: RuleKind, doc: unknown): FieldProblem[] {
  return kind === "VirtualService" ? virtualServiceProblems(doc) : destinationRuleProblems(doc);
}

export interface YamlCheck {
  problems: FieldProblem[];
  /** The one rule document, when the text holds exactly one. */
  doc?: unknown;
  docCount: number;
}

/** Client-side checks of the YAML editor's text: syntax, then the schema of each rule document. */
export function checkYaml(text: string): YamlCheck {
  const parsed = parseRuleYaml(text);
  if (parsed.problems.length) return { problems: parsed.problems, docCount: 0 };
  if (parsed.docs.length === 0) return { problems: [{ path: "", message: "empty: write a VirtualService or DestinationRule document", source: "client", severity: "error" }], docCount: 0 };
  if (parsed.docs.length > 1) return { problems: [], docCount: parsed.docs.length };
  const doc = parsed.docs[0];
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (typeof kind !== "string" || !isRuleKind(kind)) return { problems: [{ path: "kind", message: "must be VirtualService or DestinationRule", line: 1, source: "client", severity: "error" }], doc, docCount: 1 };
  return { problems: withLines(schemaProblems(kind, doc), text), doc, docCount: 1 };
}
