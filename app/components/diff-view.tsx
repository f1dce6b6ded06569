// Renders a before/after text pair as a unified line diff with old/new line numbers, folding long
// unchanged runs (click a fold to show it).
"use client";

import { useMemo, useState } from "react";
import { diffLines, diffStats, foldUnchanged, type DiffRow } from "./line-diff";

export interface DiffViewProps {
  before: string;
  after: string;
  /** Lines of context kept around changes; Infinity shows everything. */
  context?: number;
  testId?: string;
}

export function DiffView({ before, after, context = 3, testId }: DiffViewProps) {
  const [expanded, setExpanded] = useState(false);
  const diff = useMemo(() => diffLines(before, after), [before, after]);
  const rows: DiffRow[] = useMemo(() => (expanded || !Number.isFinite(context) ? diff : foldUnchanged(diff, context)), [diff, context, expanded]);
  const stats = diffStats(diff);
  if (stats.added === 0 && stats.removed === 0) return <p className="muted cfg-diff-none">No differences.</p>;
  return (
    <div className="cfg-diff" data-testid={testId}>
      <div className="cfg-diff-stats">
        <span className="cfg-diff-add-count">+{stats.added}</span> <span className="cfg-diff-del-count">−{stats.removed}</span>
      </div>
      <pre className="cfg-diff-body">
        {rows.map((r, i) =>
          r.kind === "fold" ? (
            <button key={i} type="button" className="cfg-diff-fold" onClick={() => setExpanded(true)}>
              ⋯ {r.count} unchanged lines
            </button>
          ) : (
            <div key={i} className={`cfg-diff-line cfg-diff-${r.kind}`}>
              <span className="cfg-diff-no">{r.a ?? ""}</span>
              <span className="cfg-diff-no">{r.b ?? ""}</span>
              <span className="cfg-diff-sign">{r.kind === "add" ? "+" : r.kind === "del" ? "−" : " "}</span>
              <span className="cfg-diff-text">{r.text}</span>
            </div>
          ),
        )}
      </pre>
    </div>
  );
}
