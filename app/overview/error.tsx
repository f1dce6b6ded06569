// Shown when the Overview page itself fails to render.
"use client";

export default function OverviewError({ error, reset }: { error: Error; reset(): void }) {
  return (
    <div className="empty-state">
      <h3>The Overview page failed</h3>
      <p className="error-text">{error.message}</p>
      <button className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
