// Proxies: istioctl proxy-status, live — every proxy the control plane knows and its per-type xDS sync.
import { ProxiesView } from "./proxies-view";

export default function ProxiesPage() {
  return (
    <>
      <header className="page-header">
        <h1>Proxies</h1>
        <p className="muted">Every proxy the control plane knows, in this process or connected over xDS, and whether each has the config it was sent. Live; open a proxy for its config dump.</p>
      </header>
      <ProxiesView />
    </>
  );
}
