// Route weight arithmetic for the weight sliders: the live sum, and helpers that make the split add up
// to 100 (spread evenly, scale proportionally, or send everything to one destination).

/** A weight as typed: "" counts as 0 (Istio's default when several destinations are listed). */
export function weightValue(w: string): number {
  const n = Number(w.trim());
  return w.trim() === "" || !Number.isFinite(n) ? 0 : n;
}

export function weightSum(weights: readonly string[]): number {
  return weights.reduce((a, w) => a + weightValue(w), 0);
}

/** Integer shares of 100 in proportion to `parts` (largest remainder), ties to the earlier one. */
function apportion(parts: readonly number[]): number[] {
  const total = parts.reduce((a, b) => a + b, 0);
  if (parts.length === 0) return [];
  if (total <= 0) return apportion(parts.map(() => 1));
  const exact = parts.map((p) => (p * 100) / total);
  const out = exact.map(Math.floor);
  let left = 100 - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

export function evenSplit(count: number): string[] {
  return apportion(Array.from({ length: count }, () => 1)).map(String);
}

/** Scales the current weights so they sum to 100, keeping their proportions (all zero → even). */
export function rebalance(weights: readonly string[]): string[] {
  return apportion(weights.map((w) => Math.max(0, weightValue(w)))).map(String);
}

/** 100 to destination `index`, 0 to the rest. */
export function allTo(count: number, index: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === index ? "100" : "0"));
}
