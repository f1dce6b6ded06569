// Push controls (author, message, Push) with why a push is not possible yet, and the conflict banner a
// stale revision (ABORTED) shows: every edit is kept, with a reload that rebases them on the latest.
"use client";

import { DiffView } from "../components/diff-view";
import type { RuleEditorState } from "./use-rule-editor";

export function ConflictBanner({ ed }: { ed: RuleEditorState }) {
  if (!ed.conflict) return null;
  return (
    <section className="cfg-banner cfg-banner-error" role="alert" data-testid="conflict">
      <h3>Someone changed this since revision {ed.conflict.expected}</h3>
      <p>
        Nothing was pushed. {ed.conflict.message}. Your edits are still here: reload the latest revision to see what changed, then push again
        on top of it.
      </p>
      <div className="cfg-banner-actions">
        <button type="button" className="btn primary" data-testid="conflict-reload" onClick={() => void ed.reloadKeepEdits()}>
          Reload latest, keep my edits
        </button>
        <button type="button" className="btn" onClick={ed.discardAndReload}>
          Discard my edits
        </button>
      </div>
    </section>
  );
}

export function TheirChangeNotice({ ed }: { ed: RuleEditorState }) {
  const t = ed.theirs;
  if (!t) return null;
  return (
    <section className="cfg-banner" data-testid="rebased">
      <h3>
        Now based on revision {ed.base?.revision}; your edits are kept
        <button type="button" className="btn ghost cfg-small" onClick={ed.dismissTheirs}>
          Dismiss
        </button>
      </h3>
      <p className="muted">
        What changed in this rule between revision {t.from} and revision {t.to} (their change). The preview below compares your edits with the latest.
      </p>
      <DiffView before={t.before} after={t.after} />
    </section>
  );
}

export function PushPanel({ ed }: { ed: RuleEditorState }) {
  const reason = ed.conflict
    ? "resolve the conflict first"
    : ed.errorCount > 0
      ? `${ed.errorCount} ${ed.errorCount === 1 ? "problem" : "problems"} to fix`
      : ed.dry.checking || !ed.change
        ? "checking…"
        : ed.change.rules.length === 0
          ? "no changes to push"
          : undefined;
  return (
    <section className="card cfg-push" data-testid="push-panel">
      <div className="cfg-row">
        <label className="field cfg-field">
          <span>Author</span>
          <input name="author" value={ed.author} placeholder="dashboard" onChange={(e) => ed.setAuthor(e.target.value)} />
        </label>
        <label className="field cfg-field grow">
          <span>Message</span>
          <input name="message" value={ed.message} placeholder="what and why, e.g. shift reviews to v3" onChange={(e) => ed.setMessage(e.target.value)} />
        </label>
        <button type="button" className="btn primary cfg-push-btn" data-testid="config-push" disabled={!ed.canPush} onClick={() => void ed.push()}>
          {ed.pushing ? "Pushing…" : `Push on revision ${ed.base?.revision ?? "?"}`}
        </button>
      </div>
      <p className="muted cfg-push-status" data-testid="push-status">
        {reason ? `Not ready: ${reason}` : `Ready: pushing creates a new revision and sends it to every affected proxy.`}
      </p>
      {ed.pushError && (
        <p className="error-text" role="alert">
          Push failed: {ed.pushError}
        </p>
      )}
    </section>
  );
}
