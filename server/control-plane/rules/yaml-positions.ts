// Maps field paths of a parsed YAML document ("spec.http[0].route") to the 1-based line they start on, so
// errors found after conversion to plain JSON can still point at the user's text.

import { isMap, isScalar, isSeq, type LineCounter } from "yaml";
import { appendSegment } from "./field-error";

const MAX_DEPTH = 128;

interface Ranged {
  range?: [number, number, number] | null;
}

export function fieldLines(root: unknown, lineCounter: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Ranged | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const visit = (node: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (key !== null && typeof key === "object") continue; // complex keys have no field path
        const p = appendSegment(path, String(key));
        const line = lineOf(pair.key) ?? lineOf(pair.value);
        if (line !== undefined) lines.set(p, line);
        visit(pair.value, p, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = appendSegment(path, i);
        const line = lineOf(item);
        if (line !== undefined) lines.set(p, line);
        visit(item, p, depth + 1);
      });
    }
  };
  const start = lineOf(root);
  if (start !== undefined) lines.set("", start);
  visit(root, "", 0);
  return lines;
}

/** The entries under `prefix` (e.g. "items[2]"), re-rooted so "items[2].spec" becomes "spec". */
export function rebaseLines(lines: ReadonlyMap<string, number>, prefix: string): Map<string, number> {
  if (prefix === "") return new Map(lines);
  const out = new Map<string, number>();
  for (const [path, line] of lines) {
    if (path === prefix) out.set("", line);
    else if (path.startsWith(`${prefix}.`)) out.set(path.slice(prefix.length + 1), line);
    else if (path.startsWith(`${prefix}[`)) out.set(path.slice(prefix.length), line);
  }
  return out;
}
