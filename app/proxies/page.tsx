// Proxies: what each proxy in this process is running.
import { ProxiesView } from "./proxies-view";

export default function ProxiesPage() {
  return (
    <>
      <header className="page-header">
        <h1>Proxies</h1>
        <p className="muted">Every proxy instance, its listeners and the clusters it routes to.</p>
      </header>
      <ProxiesView />
    </>
  );
}
