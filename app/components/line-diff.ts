// A line diff (longest common subsequence) for small texts such as rule YAML and xDS JSON, and the folding
// of long unchanged runs into "N unchanged lines" with a few lines of context.

export interface DiffLine {
  kind: "same" | "add" | "del";
  text: string;
  /** 1-based line in the old text (same, del). */
  a?: number;
  /** 1-based line in the new text (same, add). */
  b?: number;
}

export type DiffRow = DiffLine | { kind: "fold"; count: number };

const MAX_CELLS = 4_000_000;

function lines(s: string): string[] {
  if (s === "") return [];
  const out = s.split("\n");
  if (out[out.length - 1] === "") out.pop();
  return out;
}

export function diffLines(before: string, after: string): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  // Common prefix and suffix first: edits are usually small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ kind: "same", text: a[i]!, a: i + 1, b: i + 1 });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) out.push({ kind: "del", text: a[i]!, a: i + 1 });
    for (let j = start; j < endB; j++) out.push({ kind: "add", text: b[j]!, b: j + 1 });
  } else {
    // lcs[i][j] = LCS length of a[start+i..endA) and b[start+j..endB).
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({ kind: "same", text: a[start + i]!, a: start + i + 1, b: start + j + 1 });
        i++;
        j++;
      } else if (j < m && (i >= n || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
        out.push({ kind: "add", text: b[start + j]!, b: start + j + 1 });
        j++;
      } else {
        out.push({ kind: "del", text: a[start + i]!, a: start + i + 1 });
        i++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) out.push({ kind: "same", text: a[endA + k]!, a: endA + k + 1, b: endB + k + 1 });
  // Within each changed block show deletions before additions, as unified diffs do.
  return regroup(out);
}

function regroup(list: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let dels: DiffLine[] = [];
  let adds: DiffLine[] = [];
  const flush = () => {
    out.push(...dels, ...adds);
    dels = [];
    adds = [];
  };
  for (const l of list) {
    if (l.kind === "same") {
      flush();
      out.push(l);
    } else (l.kind === "del" ? dels : adds).push(l);
  }
  flush();
  return out;
}

/** Folds unchanged runs longer than 2×context+1 lines, keeping `context` lines around each change. */
export function foldUnchanged(diff: readonly DiffLine[], context = 3): DiffRow[] {
  const out: DiffRow[] = [];
  let i = 0;
  while (i < diff.length) {
    if (diff[i]!.kind !== "same") {
      out.push(diff[i]!);
      i++;
      continue;
    }
    let j = i;
    while (j < diff.length && diff[j]!.kind === "same") j++;
    const run = diff.slice(i, j);
    const keepHead = i === 0 ? 0 : context;
    const keepTail = j === diff.length ? 0 : context;
    if (run.length > keepHead + keepTail + 1) {
      out.push(...run.slice(0, keepHead), { kind: "fold", count: run.length - keepHead - keepTail }, ...run.slice(run.length - keepTail));
    } else out.push(...run);
    i = j;
  }
  return out;
}

export function diffStats(diff: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of diff) {
    if (l.kind === "add") added++;
    else if (l.kind === "del") removed++;
  }
  return { added, removed };
}
