// Top: live per-path request statistics aggregated from a tap stream, Linkerd-style; a row opens Tap for it.
import { Suspense } from "react";
import { TopView } from "./top-view";

export default function TopPage() {
  return (
    <>
      <header className="page-header">
        <h1>Top</h1>
        <p className="muted">Live requests grouped by direction, source, destination, method and path. Click a row to tap it.</p>
      </header>
      <Suspense fallback={<div className="loading">Loading top…</div>}>
        <TopView />
      </Suspense>
    </>
  );
}
