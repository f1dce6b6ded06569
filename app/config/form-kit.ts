// Small helpers the rule forms share: splitting an Istio object into the keys a form edits and the rest
// (kept verbatim so nothing a form cannot show is lost), and turning text inputs back into YAML values.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asObj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** The keys of `v` not in `managed` (what the form does not edit), in their original order. */
export function extraKeys(v: unknown, managed: readonly string[]): Obj {
  const out: Obj = {};
  for (const [k, val] of Object.entries(asObj(v))) if (!managed.includes(k)) out[k] = val;
  return out;
}

/** An input's text for a YAML scalar that may be absent. */
export function text(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/** "" → undefined, "12" → 12, anything else stays text (the schema then says it is not a number). */
export function numOrText(s: string): number | string | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** "" → undefined, else the trimmed text. */
export function optText(s: string): string | undefined {
  const t = s.trim();
  return t === "" ? undefined : t;
}

/** Copies the entries whose value is defined (a YAML mapping has no undefined values). */
export function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** A mapping, or undefined when it would be empty. */
export function nonEmpty(o: Obj): Obj | undefined {
  const c = compact(o);
  return Object.keys(c).length ? c : undefined;
}

/** "a, b ,c" → ["a", "b", "c"] */
export function splitList(s: string): string[] {
  return s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
}

export type StringMatchKind = "exact" | "prefix" | "regex";
export const STRING_MATCH_KINDS: readonly StringMatchKind[] = ["exact", "prefix", "regex"];

export interface StringMatchForm {
  /** "" = not matched on. */
  kind: StringMatchKind | "";
  value: string;
}

/** An Istio StringMatch as form state; undefined when it is not one the form can show. */
export function stringMatchFromIstio(v: unknown): StringMatchForm | undefined {
  if (v === undefined) return { kind: "", value: "" };
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const kind = keys[0] as StringMatchKind;
  if (!STRING_MATCH_KINDS.includes(kind) || typeof v[kind] !== "string") return undefined;
  return { kind, value: v[kind] as string };
}

export function stringMatchToIstio(m: StringMatchForm): Obj | undefined {
  return m.kind === "" ? undefined : { [m.kind]: m.value };
}

/** `o` with the keys in `order` first (in that order; the order the server writes them), then the rest. */
export function ordered(o: Obj, order: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}
