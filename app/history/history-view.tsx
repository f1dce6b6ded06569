// The History page's interactive part: the revision table (pick two to compare, roll back to one), the
// diff between the picked pair, and after a rollback its new revision and live convergence.
"use client";

import { Code, ConnectError } from "@connectrpc/connect";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ConfirmDialog } from "../components/confirm-dialog";
import { RuleDiffs } from "../config/change-preview";
import { summarizeChange } from "../config/change-result";
import { invalidateAfterWrite } from "../config/config-queries";
import { ConvergenceView, type PushedRevision } from "../config/convergence-view";
import { configClient } from "../lib/rpc";
import { useRevisionDiff, useRevisions } from "./history-queries";
import { RevisionsTable, type RevisionRow } from "./revisions-table";
import { defaultPair } from "./revision-format";

function RevisionDiff({ from, to }: { from: number; to: number }) {
  const diff = useRevisionDiff(from, to);
  return (
    <section className="card hist-diff" data-testid="revision-diff" aria-busy={diff.isFetching}>
      <header>
        <h3>
          Revision {from} → revision {to}
        </h3>
        <span className="muted">{from > to ? "going back in time" : ""}</span>
      </header>
      {from === to ? (
        <p className="muted">Pick two different revisions.</p>
      ) : diff.isPending ? (
        <div className="loading">Comparing…</div>
      ) : diff.error ? (
        <p className="error-text">{diff.error.message}</p>
      ) : diff.data.length === 0 ? (
        <p className="muted">The rules are identical at both revisions.</p>
      ) : (
        <RuleDiffs change={{ rules: diff.data }} />
      )}
    </section>
  );
}

export function HistoryView() {
  const qc = useQueryClient();
  const revisions = useRevisions();
  const rows: RevisionRow[] = useMemo(
    () => (revisions.data?.pages ?? []).flatMap((p) => p.revisions).map((r) => ({ revision: Number(r.revision), author: r.author, timeMs: Number(r.timeMs), message: r.message, changes: r.changes, rollbackOf: Number(r.rollbackOf) })),
    [revisions.data],
  );
  const head = Number(revisions.data?.pages[0]?.head ?? 0);
  const [pair, setPair] = useState<{ from: number; to: number }>();
  const [rollbackTo, setRollbackTo] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [rollbackError, setRollbackError] = useState<string>();
  const [done, setDone] = useState<PushedRevision & { to: number }>();

  useEffect(() => {
    if (!pair && rows.length) setPair(defaultPair(rows.map((r) => r.revision)));
  }, [rows, pair]);

  const rollback = async () => {
    if (rollbackTo === undefined) return;
    setBusy(true);
    setRollbackError(undefined);
    try {
      const author = window.localStorage.getItem("meshdash.author") ?? "";
      const res = await configClient().rollback({ to: BigInt(rollbackTo), expectedRevision: BigInt(head), author });
      const change = summarizeChange(res.result);
      const rev = change.revision!;
      setDone({ revision: rev.revision, timeMs: rev.timeMs, expected: new Set(), what: `rollback to revision ${rollbackTo}`, to: rollbackTo });
      setPair({ from: head, to: rev.revision });
      setRollbackTo(undefined);
      await invalidateAfterWrite(qc);
    } catch (err) {
      const ce = ConnectError.from(err);
      setRollbackError(ce.code === Code.Aborted ? `Someone pushed since revision ${head}; the list is refreshed, review it and try again. (${ce.rawMessage})` : `${Code[ce.code] ?? ce.code}: ${ce.rawMessage}`);
      if (ce.code === Code.Aborted) await invalidateAfterWrite(qc);
    } finally {
      setBusy(false);
    }
  };

  if (revisions.isPending) return <div className="loading">Loading revisions…</div>;
  if (revisions.error)
    return (
      <div className="empty-state">
        <h3>Could not load history</h3>
        <p className="error-text">{revisions.error.message}</p>
        <button className="btn" onClick={() => void revisions.refetch()}>
          Retry
        </button>
      </div>
    );
  if (rows.length === 0)
    return (
      <div className="empty-state">
        <h3>No revisions yet</h3>
        <p className="muted">Push a rule from the Config page and it shows up here.</p>
      </div>
    );

  return (
    <div className="hist-view">
      {done && (
        <section className="cfg-banner cfg-banner-ok" role="status" data-testid="rollback-done">
          Revision <strong>{done.revision}</strong> rolls back to revision {done.to}.
        </section>
      )}
      {done && <ConvergenceView key={done.revision} pushed={done} onClose={() => setDone(undefined)} />}
      <RevisionsTable
        rows={rows}
        head={head}
        pair={pair}
        highlight={done?.revision}
        onPair={setPair}
        onRollback={(r) => {
          setRollbackError(undefined);
          setRollbackTo(r);
        }}
      />
      {revisions.hasNextPage && (
        <button type="button" className="btn" onClick={() => void revisions.fetchNextPage()} disabled={revisions.isFetchingNextPage}>
          {revisions.isFetchingNextPage ? "Loading…" : "Load older revisions"}
        </button>
      )}
      {pair && <RevisionDiff from={pair.from} to={pair.to} />}
      <ConfirmDialog open={rollbackTo !== undefined} title={`Roll back to revision ${rollbackTo ?? ""}?`} confirmLabel={`Roll back to revision ${rollbackTo ?? ""}`} busy={busy} onCancel={() => setRollbackTo(undefined)} onConfirm={() => void rollback()}>
        <p>
          The rules become what they were at revision {rollbackTo}, as a new revision after {head}, and every affected proxy gets the change. These rules
          change:
        </p>
        {rollbackTo !== undefined && <RollbackPreview head={head} to={rollbackTo} />}
        {rollbackError && (
          <p className="error-text" role="alert">
            {rollbackError}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function RollbackPreview({ head, to }: { head: number; to: number }) {
  const diff = useRevisionDiff(head, to);
  if (diff.isPending) return <div className="loading">Comparing…</div>;
  if (diff.error) return <p className="error-text">{diff.error.message}</p>;
  if (diff.data.length === 0) return <p className="muted">Nothing: the rules are already the same.</p>;
  return (
    <div className="hist-rollback-preview">
      <RuleDiffs change={{ rules: diff.data }} />
    </div>
  );
}
