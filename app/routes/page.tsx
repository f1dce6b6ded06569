// Routes: each proxy's listeners, route configurations, virtual hosts and routes as Envoy holds them, with
// live figures per route, and "Test a request" to see which route a request would take and why.
import { Suspense } from "react";
import { RoutesView } from "./routes-view";

export default function RoutesPage() {
  return (
    <>
      <header className="page-header">
        <h1>Routes</h1>
        <p className="muted">Listeners → route configurations → virtual hosts → routes → clusters → endpoints, live. Test a request to see the route it would take.</p>
      </header>
      <Suspense fallback={<div className="loading">Loading routes…</div>}>
        <RoutesView />
      </Suspense>
    </>
  );
}
