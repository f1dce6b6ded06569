// "Did you mean" helpers: optimal-string-alignment edit distance and the closest candidates to a name.

/** Edit distance where insert, delete, substitute and swapping two adjacent characters each cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Up to `n` candidates ordered by closeness to `target` (ties alphabetical). */
export function closestNames(target: string, candidates: readonly string[], n: number, distance = (c: string) => editDistance(target, c)): string[] {
  return [...new Set(candidates)]
    .map((c) => ({ c, d: distance(c) }))
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0))
    .slice(0, n)
    .map((x) => x.c);
}

/** The one candidate close enough to be a likely typo of `name`, if any. */
export function likelyTypo(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const same = candidates.find((c) => c.toLowerCase() === lower);
  if (same) return same;
  const limit = name.length <= 4 ? 1 : 2;
  const [best] = closestNames(lower, candidates, 1, (c) => editDistance(lower, c.toLowerCase()));
  return best !== undefined && editDistance(lower, best.toLowerCase()) <= limit ? best : undefined;
}
