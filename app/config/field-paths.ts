// Istio field paths as the server prints them (spec.http[0].route[1].weight, headers["end-user"]): format,
// parse, and find the nearest ancestor a form field shows, so every error lands next to its field.

export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** ["spec", "http", 0, "headers", "end-user"] → spec.http[0].headers["end-user"] (the server's format). */
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

/** The inverse of formatPath; undefined when the text is not a path. */
export function parsePath(path: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === ".") {
      if (i === 0) return undefined;
      i++;
      continue;
    }
    if (c === "[") {
      if (path[i + 1] === '"') {
        // A JSON string up to the closing quote that is followed by "]".
        let j = i + 2;
        while (j < path.length && !(path[j] === '"' && path[j - 1] !== "\\")) j++;
        if (path[j + 1] !== "]") return undefined;
        try {
          out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        } catch {
          return undefined;
        }
        i = j + 2;
      } else {
        const close = path.indexOf("]", i);
        if (close < 0) return undefined;
        const n = Number(path.slice(i + 1, close));
        if (!Number.isInteger(n) || n < 0) return undefined;
        out.push(n);
        i = close + 1;
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
    out.push(path.slice(i, j));
    i = j;
  }
  return out;
}

/** `path` itself or its nearest ancestor in `known`, or undefined when no ancestor is shown. */
export function nearestKnown(path: string, known: ReadonlySet<string>): string | undefined {
  const segs = parsePath(path);
  if (!segs) return known.has(path) ? path : undefined;
  for (let n = segs.length; n > 0; n--) {
    const p = formatPath(segs.slice(0, n));
    if (known.has(p)) return p;
  }
  return undefined;
}
