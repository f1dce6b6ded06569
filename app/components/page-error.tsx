// The error state every page's error.tsx shows: what failed, the message, and a retry.
"use client";

export function PageError({ page, error, reset }: { page: string; error: Error; reset(): void }) {
  return (
    <div className="empty-state">
      <h3>The {page} page failed</h3>
      <p className="error-text">{error.message}</p>
      <button className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
