// Shown when the History page itself fails to render.
"use client";

export default function HistoryError({ error, reset }: { error: Error; reset(): void }) {
  return (
    <div className="empty-state">
      <h3>The History page failed</h3>
      <p className="error-text">{error.message}</p>
      <button className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
