// The error/warning shape every rule loader and validator returns, and the helpers that build and print
// its dotted field paths (spec.http[0].route[1].weight) and find the YAML line a path came from.

export interface FieldError {
  /** Field path inside one rule document, e.g. "spec.http[0].route[1].weight"; "" for the whole document. */
  path: string;
  message: string;
  /** 1-based line in the YAML text, when the rule came from YAML. */
  line?: number;
  /** 1-based column (set for YAML syntax errors). */
  column?: number;
  /** 0-based index of the `---`-separated YAML document the error is in. */
  doc?: number;
  /** Which rule, e.g. "VirtualService default/reviews" (set by the rule-set validator). */
  rule?: string;
}

export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** ["spec", "http", 0, "match", 0, "headers", "end-user"] → spec.http[0].match[0].headers["end-user"] */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) out = appendSegment(out, s);
  return out;
}

export function appendSegment(path: string, s: PathSegment): string {
  if (typeof s === "number") return `${path}[${s}]`;
  if (IDENT.test(s)) return path ? `${path}.${s}` : s;
  return `${path}[${JSON.stringify(s)}]`;
}

/** The line of `path`, or of its nearest ancestor that has one. */
export function lineFor(lines: ReadonlyMap<string, number> | undefined, path: string): number | undefined {
  if (!lines) return undefined;
  let p = path;
  for (;;) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    if (p === "") return undefined;
    p = parentPath(p);
  }
}

/** spec.http[0].route → spec.http[0]; spec.http[0] → spec.http; headers["a.b"] → headers; spec → "". */
export function parentPath(path: string): string {
  if (path.endsWith("]")) {
    const open = lastBracketOpen(path);
    return path.slice(0, open);
  }
  const dot = path.lastIndexOf(".");
  const bracket = path.lastIndexOf("]");
  return dot > bracket ? path.slice(0, dot) : "";
}

function lastBracketOpen(path: string): number {
  // A quoted key may itself contain "[" or "]"; walk back over a JSON string when the segment is quoted.
  if (path.endsWith('"]')) {
    let i = path.length - 3;
    while (i > 0 && !(path[i] === '"' && path[i - 1] === "[" && !escaped(path, i))) i--;
    return Math.max(0, i - 1);
  }
  return path.lastIndexOf("[");
}

function escaped(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s[j] === "\\"; j--) n++;
  return n % 2 === 1;
}

/** One line for logs and the CLI: `document 2, line 14: VirtualService default/reviews: spec.hosts: required`. */
export function formatFieldError(e: FieldError): string {
  const where: string[] = [];
  if (e.doc !== undefined) where.push(`document ${e.doc + 1}`);
  if (e.line !== undefined) where.push(e.column !== undefined ? `line ${e.line}, column ${e.column}` : `line ${e.line}`);
  const parts = [where.join(", "), e.rule ?? "", e.path, e.message].filter((p) => p !== "");
  return parts.join(": ");
}
