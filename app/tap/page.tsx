// Tap: live requests flowing through the mesh's proxies, Linkerd-style, with the routing decision.
import { Suspense } from "react";
import { TapView } from "./tap-view";

export default function TapPage() {
  return (
    <>
      <header className="page-header">
        <h1>Tap</h1>
        <p className="muted">Live requests through every proxy. Filter, then watch them arrive; click a row for headers and routing.</p>
      </header>
      <Suspense fallback={<div className="loading">Loading tap…</div>}>
        <TapView />
      </Suspense>
    </>
  );
}
