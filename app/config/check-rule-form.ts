// The CheckRule form's state (selector, action, match expression, reason) and its conversion to and from
// the policy.meshdash.io/v1 object; keys the form does not edit ride along in `extra`.

import { asObj, compact, extraKeys, isObj, optText, text, type Obj } from "./form-kit";
import type { FromIstio } from "./virtual-service-form";
import { emptySelector, selectorFromIstio, selectorPaths, selectorToIstio, type SelectorForm } from "./workload-selector-form";

export const POLICY_API_VERSION = "policy.meshdash.io/v1";
export const CHECK_ACTIONS = ["DENY", "ALLOW"] as const;

export interface CheckRuleForm {
  apiVersion: string;
  name: string;
  namespace: string;
  selector: SelectorForm;
  /** DENY or ALLOW; any other text from YAML is kept so the schema can say why. */
  action: string;
  /** CEL bool; "" = every request. */
  match: string;
  reason: string;
  specExtra: Obj;
  metadataExtra: Obj;
}

export function newCheckRule(namespace = "default"): CheckRuleForm {
  return { apiVersion: POLICY_API_VERSION, name: "", namespace, selector: emptySelector(), action: "DENY", match: "", reason: "", specExtra: {}, metadataExtra: {} };
}

/** An expression as written back: "" (or only spaces) means the field is left out. */
export const optExpr = (s: string): string | undefined => (s.trim() === "" ? undefined : s);

export function checkRuleFromIstio(doc: unknown): FromIstio<CheckRuleForm> {
  if (!isObj(doc) || doc.kind !== "CheckRule") return { problem: "not a CheckRule document" };
  const meta = asObj(doc.metadata);
  const spec = asObj(doc.spec);
  const selector = selectorFromIstio(spec.selector);
  if (!selector) return { problem: "spec.selector is not a mapping of matchLabels; edit it as YAML" };
  for (const k of ["match", "reason", "action"] as const) if (spec[k] !== undefined && typeof spec[k] !== "string") return { problem: `spec.${k} is not text; edit it as YAML` };
  return {
    form: {
      apiVersion: text(doc.apiVersion) || POLICY_API_VERSION,
      name: text(meta.name),
      namespace: text(meta.namespace),
      selector,
      action: text(spec.action),
      match: text(spec.match),
      reason: text(spec.reason),
      specExtra: extraKeys(spec, ["selector", "action", "match", "reason"]),
      metadataExtra: extraKeys(meta, ["name", "namespace"]),
    },
  };
}

export function checkRuleToIstio(f: CheckRuleForm): Obj {
  return {
    apiVersion: f.apiVersion || POLICY_API_VERSION,
    kind: "CheckRule",
    metadata: compact({ name: f.name.trim(), namespace: optText(f.namespace), ...f.metadataExtra }),
    spec: compact({ selector: selectorToIstio(f.selector), action: f.action, match: optExpr(f.match), reason: optText(f.reason), ...f.specExtra }),
  };
}

export const crPath = { name: "metadata.name", namespace: "metadata.namespace", action: "spec.action", match: "spec.match", reason: "spec.reason" };

export function checkRulePaths(f: CheckRuleForm): Set<string> {
  return new Set([crPath.name, crPath.namespace, crPath.action, crPath.match, crPath.reason, ...selectorPaths(f.selector)]);
}
