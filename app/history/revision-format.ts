// How the History page words a revision: its time (absolute and relative), its changes grouped by
// operation, and the default pair of revisions to compare.

export interface RevisionChangeLike {
  ref?: { kind: string; namespace: string; name: string };
  op: string;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function relativeTime(ms: number, now: number): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** ["put VirtualService default/reviews", …] with deletes marked. */
export function describeChanges(changes: readonly RevisionChangeLike[]): string[] {
  return changes.map((c) => `${c.op === "delete" ? "deleted" : "set"} ${c.ref ? `${c.ref.kind} ${c.ref.namespace}/${c.ref.name}` : "?"}`);
}

/** Compare the head with the revision before it (or nothing when there is only one). */
export function defaultPair(revisions: readonly number[]): { from: number; to: number } | undefined {
  const sorted = [...revisions].sort((a, b) => b - a);
  if (sorted.length < 2) return undefined;
  return { from: sorted[1]!, to: sorted[0]! };
}
