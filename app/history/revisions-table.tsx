// The revision table: revision, time, author, message, changed rules and rollback marker; two radio
// columns pick the pair to compare, and each older revision has a Roll back button.
"use client";

import { useEffect, useState } from "react";
import { describeChanges, formatTime, relativeTime, type RevisionChangeLike } from "./revision-format";

export interface RevisionRow {
  revision: number;
  author: string;
  timeMs: number;
  message: string;
  changes: readonly RevisionChangeLike[];
  /** >0 when this revision rolled back to that one. */
  rollbackOf: number;
}

export interface RevisionsTableProps {
  rows: readonly RevisionRow[];
  head: number;
  pair: { from: number; to: number } | undefined;
  highlight?: number;
  onPair(p: { from: number; to: number }): void;
  onRollback(revision: number): void;
}

export function RevisionsTable({ rows, head, pair, highlight, onPair, onRollback }: RevisionsTableProps) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="card hist-table-card">
      <table className="simple hist-table" data-testid="revisions">
        <thead>
          <tr>
            <th title="compare from">From</th>
            <th title="compare to">To</th>
            <th className="num">Revision</th>
            <th>Time</th>
            <th>Author</th>
            <th>Message</th>
            <th>Changed rules</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.revision} data-testid="revision-row" data-revision={r.revision} className={r.revision === highlight ? "hist-highlight" : undefined}>
              <td>
                <input type="radio" name="hist-from" aria-label={`compare from revision ${r.revision}`} checked={pair?.from === r.revision} onChange={() => onPair({ from: r.revision, to: pair?.to ?? head })} />
              </td>
              <td>
                <input type="radio" name="hist-to" aria-label={`compare to revision ${r.revision}`} checked={pair?.to === r.revision} onChange={() => onPair({ from: pair?.from ?? r.revision, to: r.revision })} />
              </td>
              <td className="num">
                <strong>{r.revision}</strong>
                {r.revision === head && <span className="badge hist-head">head</span>}
              </td>
              <td title={formatTime(r.timeMs)}>
                {formatTime(r.timeMs)}
                <div className="muted hist-rel">{relativeTime(r.timeMs, now)}</div>
              </td>
              <td>{r.author || "—"}</td>
              <td>
                {r.rollbackOf > 0 && (
                  <span className="badge hist-rollback" data-testid="rollback-marker">
                    ↶ rollback to {r.rollbackOf}
                  </span>
                )}{" "}
                {r.message}
              </td>
              <td className="mono hist-changes">
                {describeChanges(r.changes).map((c) => (
                  <div key={c}>{c}</div>
                ))}
              </td>
              <td className="hist-actions">
                {r.revision > 1 && (
                  <button type="button" className="btn ghost cfg-small" onClick={() => onPair({ from: r.revision - 1, to: r.revision })}>
                    Diff
                  </button>
                )}
                {r.revision !== head && (
                  <button type="button" className="btn cfg-small" data-testid="rollback" onClick={() => onRollback(r.revision)}>
                    Roll back to this
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
