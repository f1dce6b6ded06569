// Shown when the Routes page itself fails to render.
"use client";

export default function RoutesError({ error, reset }: { error: Error; reset(): void }) {
  return (
    <div className="empty-state">
      <h3>The Routes page failed</h3>
      <p className="error-text">{error.message}</p>
      <button className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
