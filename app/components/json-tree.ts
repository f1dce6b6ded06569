// The JSON viewer's logic, without React: node paths (JSON Pointer), search (matches in document order
// and the containers to open so each is visible), one-line previews of collapsed nodes, highlighting.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonContainer = Json[] | { [key: string]: Json };

export const ROOT_PATH = "";

/** RFC 6901 JSON Pointer of a child: "/configs/0/dynamic_listeners". */
export function childPath(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

export function isContainer(v: Json): v is JsonContainer {
  return typeof v === "object" && v !== null;
}

export function entriesOf(v: JsonContainer): [string | number, Json][] {
  return Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
}

/** A primitive as JSON writes it: strings quoted, the rest as is. */
export function primitiveText(v: Exclude<Json, JsonContainer>): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

export interface JsonSearch {
  /** Lower-cased, trimmed query; "" when not searching. */
  query: string;
  /** Paths of nodes whose key or primitive value contains the query, in document order. */
  matches: string[];
  /** Containers that must be open for every match to show (the root included). */
  open: Set<string>;
}

/** Case-insensitive substring search over keys and primitive values. */
export function searchJson(root: Json, query: string): JsonSearch {
  const q = query.trim().toLowerCase();
  const result: JsonSearch = { query: q, matches: [], open: new Set() };
  if (!q) return result;
  const stack: string[] = [];
  const hit = (path: string) => {
    result.matches.push(path);
    // Ancestors are added root first, so once one is present all above it are too.
    for (let i = stack.length - 1; i >= 0 && !result.open.has(stack[i]!); i--) result.open.add(stack[i]!);
  };
  const walk = (v: JsonContainer, path: string) => {
    stack.push(path);
    for (const [k, child] of entriesOf(v)) {
      const p = childPath(path, k);
      const keyHit = typeof k === "string" && k.toLowerCase().includes(q);
      const valueHit = !isContainer(child) && primitiveText(child).toLowerCase().includes(q);
      if (keyHit || valueHit) hit(p);
      if (isContainer(child)) walk(child, p);
    }
    stack.pop();
  };
  if (isContainer(root)) walk(root, ROOT_PATH);
  else if (primitiveText(root).toLowerCase().includes(q)) result.matches.push(ROOT_PATH);
  return result;
}

const HINT_KEYS = ["name", "@type", "cluster_name", "clusterName"] as const;

/** One line for a collapsed node: `[3 items]`, or `{ name: "outbound", … 6 keys }` when it has a name. */
export function preview(v: JsonContainer): string {
  if (Array.isArray(v)) return v.length === 1 ? "1 item" : `${v.length} items`;
  const keys = Object.keys(v);
  const hintKey = HINT_KEYS.find((k) => typeof v[k] === "string");
  const count = keys.length === 1 ? "1 key" : `${keys.length} keys`;
  return hintKey ? `${hintKey}: ${JSON.stringify(v[hintKey])}, … ${count}` : count;
}

/** Splits `text` around case-insensitive occurrences of `query` (already lower-cased). */
export function highlightParts(text: string, query: string): { text: string; hit: boolean }[] {
  if (!query) return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const parts: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (let i = lower.indexOf(query); i !== -1; i = lower.indexOf(query, i + query.length)) {
    if (i > at) parts.push({ text: text.slice(at, i), hit: false });
    parts.push({ text: text.slice(i, i + query.length), hit: true });
    at = i + query.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), hit: false });
  return parts;
}
