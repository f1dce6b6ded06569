// Clusters: every proxy's upstream clusters with their settings, endpoint health and live traffic.
import { Suspense } from "react";
import { ClustersView } from "./clusters-view";

export default function ClustersPage() {
  return (
    <>
      <header className="page-header">
        <h1>Clusters</h1>
        <p className="muted">Every upstream cluster of every proxy: load balancing, circuit breakers, endpoint health and the last minute of traffic. Open one for its endpoints and live charts.</p>
      </header>
      <Suspense fallback={<div className="loading">Loading clusters…</div>}>
        <ClustersView />
      </Suspense>
    </>
  );
}
