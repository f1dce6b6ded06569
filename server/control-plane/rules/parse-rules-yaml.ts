// Loads Istio routing rules from YAML text: one or many `---`-separated documents, or a Kubernetes List.
// Syntax errors carry line and column; each resource's envelope is checked (rule-envelope.ts); specs are
// returned raw, with the line of every field, for validateRuleSet to check.

import { isScalar, LineCounter, parseAllDocuments } from "yaml";
import { type FieldError, lineFor } from "./field-error";
import type { RawRuleDoc } from "./raw-rule-doc";
import { checkEnvelope, type EnvelopeContext } from "./rule-envelope";
import { fieldLines, rebaseLines } from "./yaml-positions";
import { describeValue, isRecord, unknownField } from "./zod-kit";

export interface ParseRulesResult {
  docs: RawRuleDoc[];
  errors: FieldError[];
  warnings: FieldError[];
}

const LIST_FIELDS = ["apiVersion", "kind", "metadata", "items"];

export function parseRulesYaml(text: string): ParseRulesResult {
  const out: ParseRulesResult = { docs: [], errors: [], warnings: [] };
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: true });
  [...documents].forEach((document, doc) => {
    if (document.errors.length) {
      for (const e of document.errors) out.errors.push(yamlProblem(e, doc, "YAML syntax error"));
      return;
    }
    for (const w of document.warnings) out.warnings.push(yamlProblem(w, doc, "YAML warning"));
    const contents = document.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) return; // empty, e.g. after a trailing `---`
    const lines = fieldLines(document.contents, lineCounter);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const entry: FieldError = { path: "", message: (e as Error).message, doc };
      const line = lines.get("");
      if (line !== undefined) entry.line = line;
      out.errors.push(entry);
      return;
    }
    const ctx: EnvelopeContext = { doc, prefix: "", lines, errors: out.errors, warnings: out.warnings };
    if (isRecord(value) && value.kind === "List") loadList(value, ctx, out);
    else load(value, ctx, out);
  });
  return out;
}

function load(value: unknown, ctx: EnvelopeContext, out: ParseRulesResult): void {
  const rule = checkEnvelope(value, ctx);
  if (rule) out.docs.push({ ...rule, source: { doc: ctx.doc, lines: rebaseLines(ctx.lines, ctx.prefix) } });
}

function loadList(list: Record<string, unknown>, ctx: EnvelopeContext, out: ParseRulesResult): void {
  const error = (path: string, message: string) => {
    const entry: FieldError = { path, message, doc: ctx.doc };
    const line = lineFor(ctx.lines, path);
    if (line !== undefined) entry.line = line;
    out.errors.push(entry);
  };
  if (list.apiVersion !== "v1") error("apiVersion", `${describeValue(list.apiVersion)} is not supported for kind List; use v1`);
  for (const key of Object.keys(list)) if (!LIST_FIELDS.includes(key)) error(key, unknownField(key, LIST_FIELDS));
  if (!Array.isArray(list.items)) return void error("items", list.items === undefined ? "required" : `expected a list, got ${describeValue(list.items)}`);
  list.items.forEach((item: unknown, i) => load(item, { ...ctx, prefix: `items[${i}]` }, out));
}

type LinePos = { line: number; col: number };

function yamlProblem(e: { message: string; linePos?: [LinePos] | [LinePos, LinePos] }, doc: number, what: string): FieldError {
  const first = e.message.split("\n")[0] ?? e.message;
  const entry: FieldError = { path: "", message: `${what}: ${first.replace(/ at line \d+, column \d+:?$/, "")}`, doc };
  const pos = e.linePos?.[0];
  if (pos) {
    entry.line = pos.line;
    entry.column = pos.col;
  }
  return entry;
}
