// Rule YAML in the editor: writing a rule object as Istio YAML (the server's formatting, so its line numbers
// match), reading the editor's text back (syntax errors with their line), and finding a field's line.

import { isMap, isScalar, isSeq, LineCounter, parse, parseAllDocuments, parseDocument, stringify, type Node } from "yaml";
import type { FieldProblem } from "./field-errors";
import { parsePath } from "./field-paths";

/** The `spec:` mapping of one stored rule's YAML; an empty mapping when the text is not a rule. */
export function specOfYaml(yaml: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(yaml);
  } catch {
    doc = undefined;
  }
  const spec = doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as { spec?: unknown }).spec : undefined;
  return spec && typeof spec === "object" && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
}

export function ruleToYaml(rule: unknown): string {
  return stringify(rule, { lineWidth: 0, aliasDuplicateObjects: false });
}

export interface ParsedYaml {
  /** One entry per `---` document (empty documents skipped). */
  docs: unknown[];
  /** YAML syntax problems; when present, `docs` is empty. */
  problems: FieldProblem[];
}

export function parseRuleYaml(text: string): ParsedYaml {
  const lc = new LineCounter();
  const all = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
  const list = Array.isArray(all) ? all : [];
  const problems: FieldProblem[] = [];
  for (const d of list) {
    for (const e of d.errors) problems.push({ path: "", message: e.message.split("\n")[0]!, line: lc.linePos(e.pos[0]).line, source: "client", severity: "error" });
  }
  if (problems.length) return { docs: [], problems };
  const docs = list.filter((d) => d.contents !== null).map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  return { docs, problems: [] };
}

/** 1-based line of the field at `path` (or of its nearest ancestor) in a one-document YAML text. */
export function lineOfPath(text: string, path: string): number | undefined {
  const segs = parsePath(path);
  if (!segs) return undefined;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) return undefined;
  let node: unknown = doc.contents;
  let line = node && (node as Node).range ? lc.linePos((node as Node).range![0]).line : undefined;
  for (const seg of segs) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      const key = pair.key as Node | null;
      if (key?.range) line = lc.linePos(key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      if (item.range) line = lc.linePos(item.range[0]).line;
      node = item;
    } else break;
  }
  return line;
}

/** Adds the YAML line to problems that lack one. */
export function withLines(problems: readonly FieldProblem[], text: string): FieldProblem[] {
  return problems.map((p) => (p.line !== undefined ? p : { ...p, line: lineOfPath(text, p.path) }));
}
