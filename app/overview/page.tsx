// Overview: the mesh at a glance — services' golden signals, unhealthy endpoints, proxies out of sync and
// the latest config pushes.
import { OverviewView } from "./overview-view";

export default function OverviewPage() {
  return (
    <>
      <header className="page-header">
        <h1>Overview</h1>
        <p className="muted">The mesh at a glance: how each service is doing, what is unhealthy, which proxies lag behind the control plane, and what changed last.</p>
      </header>
      <OverviewView />
    </>
  );
}
