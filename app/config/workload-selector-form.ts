// A policy rule's workload selector as form rows (label key/value), to and from Istio's
// `selector: { matchLabels }`; selector keys the form does not edit ride along in `extra`.

import { asObj, extraKeys, isObj, text, type Obj } from "./form-kit";
import { formatPath } from "./field-paths";

export interface LabelRow {
  key: string;
  value: string;
}

export interface SelectorForm {
  /** No rows (and no extra) = no selector: every workload of the namespace (istio-system: the mesh). */
  labels: LabelRow[];
  extra: Obj;
}

export const emptySelector = (): SelectorForm => ({ labels: [], extra: {} });

/** undefined when `v` is not a selector the form can show. */
export function selectorFromIstio(v: unknown): SelectorForm | undefined {
  if (v === undefined) return emptySelector();
  if (!isObj(v)) return undefined;
  if (v.matchLabels !== undefined && !isObj(v.matchLabels)) return undefined;
  return { labels: Object.entries(asObj(v.matchLabels)).map(([key, value]) => ({ key, value: text(value) })), extra: extraKeys(v, ["matchLabels"]) };
}

export function selectorToIstio(s: SelectorForm): Obj | undefined {
  if (s.labels.length === 0) return Object.keys(s.extra).length ? { ...s.extra } : undefined;
  return { matchLabels: Object.fromEntries(s.labels.map((l) => [l.key.trim(), l.value.trim()])), ...s.extra };
}

export const selectorPath = {
  selector: "spec.selector",
  matchLabels: "spec.selector.matchLabels",
  label: (key: string) => formatPath(["spec", "selector", "matchLabels", key.trim()]),
};

export function selectorPaths(s: SelectorForm): string[] {
  return [selectorPath.selector, selectorPath.matchLabels, ...s.labels.map((l) => selectorPath.label(l.key))];
}

/** "app=details, version=v1", or "" for no selector. */
export function selectorText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
