// The Quota form's state (selector, match, dimensions, maxAmount per validDuration) and its conversion to
// and from the policy.meshdash.io/v1 object; keys the form does not edit ride along in `extra`.

import { formatPath } from "./field-paths";
import { asObj, compact, extraKeys, isObj, numOrText, optText, text, type Obj } from "./form-kit";
import { optExpr, POLICY_API_VERSION } from "./check-rule-form";
import { newKey, type FromIstio } from "./virtual-service-form";
import { emptySelector, selectorFromIstio, selectorPaths, selectorToIstio, type SelectorForm } from "./workload-selector-form";

export interface DimensionRow {
  /** React key only. */
  id: string;
  name: string;
  /** CEL expression whose value keys the bucket. */
  expr: string;
}

export interface QuotaForm {
  apiVersion: string;
  name: string;
  namespace: string;
  selector: SelectorForm;
  match: string;
  dimensions: DimensionRow[];
  /** As typed; a number when it looks like one. */
  maxAmount: string;
  validDuration: string;
  specExtra: Obj;
  metadataExtra: Obj;
}

export const emptyDimension = (name = "", expr = ""): DimensionRow => ({ id: newKey(), name, expr });

export function newQuota(namespace = "default"): QuotaForm {
  return { apiVersion: POLICY_API_VERSION, name: "", namespace, selector: emptySelector(), match: "", dimensions: [], maxAmount: "100", validDuration: "1s", specExtra: {}, metadataExtra: {} };
}

export function quotaFromIstio(doc: unknown): FromIstio<QuotaForm> {
  if (!isObj(doc) || doc.kind !== "Quota") return { problem: "not a Quota document" };
  const meta = asObj(doc.metadata);
  const spec = asObj(doc.spec);
  const selector = selectorFromIstio(spec.selector);
  if (!selector) return { problem: "spec.selector is not a mapping of matchLabels; edit it as YAML" };
  if (spec.match !== undefined && typeof spec.match !== "string") return { problem: "spec.match is not text; edit it as YAML" };
  if (spec.dimensions !== undefined && !isObj(spec.dimensions)) return { problem: "spec.dimensions is not a mapping; edit it as YAML" };
  if (spec.maxAmount !== undefined && typeof spec.maxAmount !== "number" && typeof spec.maxAmount !== "string") return { problem: "spec.maxAmount is not a number; edit it as YAML" };
  return {
    form: {
      apiVersion: text(doc.apiVersion) || POLICY_API_VERSION,
      name: text(meta.name),
      namespace: text(meta.namespace),
      selector,
      match: text(spec.match),
      dimensions: Object.entries(asObj(spec.dimensions)).map(([name, expr]) => emptyDimension(name, text(expr))),
      maxAmount: text(spec.maxAmount),
      validDuration: text(spec.validDuration),
      specExtra: extraKeys(spec, ["selector", "match", "dimensions", "maxAmount", "validDuration"]),
      metadataExtra: extraKeys(meta, ["name", "namespace"]),
    },
  };
}

export function quotaToIstio(f: QuotaForm): Obj {
  return {
    apiVersion: f.apiVersion || POLICY_API_VERSION,
    kind: "Quota",
    metadata: compact({ name: f.name.trim(), namespace: optText(f.namespace), ...f.metadataExtra }),
    spec: compact({
      selector: selectorToIstio(f.selector),
      match: optExpr(f.match),
      dimensions: f.dimensions.length ? Object.fromEntries(f.dimensions.map((d) => [d.name.trim(), d.expr])) : undefined,
      maxAmount: numOrText(f.maxAmount),
      validDuration: optText(f.validDuration),
      ...f.specExtra,
    }),
  };
}

export const qPath = {
  name: "metadata.name",
  namespace: "metadata.namespace",
  match: "spec.match",
  dimensions: "spec.dimensions",
  dimension: (name: string) => formatPath(["spec", "dimensions", name.trim()]),
  maxAmount: "spec.maxAmount",
  validDuration: "spec.validDuration",
};

export function quotaPaths(f: QuotaForm): Set<string> {
  return new Set([qPath.name, qPath.namespace, qPath.match, qPath.dimensions, qPath.maxAmount, qPath.validDuration, ...f.dimensions.map((d) => qPath.dimension(d.name)), ...selectorPaths(f.selector)]);
}

/** Dimension names typed twice (the later row would silently win in YAML). */
export function duplicateDimensions(f: QuotaForm): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const d of f.dimensions) {
    const n = d.name.trim();
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return [...dup];
}
