// History: every config revision (who, when, why, what changed, rollbacks), a diff between any two, and
// one-click rollback (itself a new revision).
import { HistoryView } from "./history-view";

export default function HistoryPage() {
  return (
    <>
      <header className="page-header">
        <h1>History</h1>
        <p className="muted">Every push is a revision. Pick two to compare, or roll back to an earlier one; a rollback is a new revision.</p>
      </header>
      <HistoryView />
    </>
  );
}
