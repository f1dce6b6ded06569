// Shown when the Top page itself fails to render.
"use client";

export default function TopError({ error, reset }: { error: Error; reset(): void }) {
  return (
    <div className="empty-state">
      <h3>The Top page failed</h3>
      <p className="error-text">{error.message}</p>
      <button className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
