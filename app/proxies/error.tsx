// Shown when a Proxies page itself fails to render.
"use client";

export default function ProxiesError({ error, reset }: { error: Error; reset(): void }) {
  return (
    <div className="empty-state">
      <h3>The Proxies page failed</h3>
      <p className="error-text">{error.message}</p>
      <button className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
