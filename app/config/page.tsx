// Config: the routing rules at the head revision (VirtualServices, DestinationRules) and the registry's
// services with their endpoints; each rule opens in the form/YAML editor.
import Link from "next/link";
import { ConfigView } from "./config-view";
import { editHref } from "./rule-ref";

export default function ConfigPage() {
  return (
    <>
      <header className="page-header cfg-page-header">
        <div>
          <h1>Config</h1>
          <p className="muted">Routing rules as pushed to every proxy, and the services they route to. Open a rule to edit it; every push is a revision.</p>
        </div>
        <div className="cfg-header-actions">
          <Link className="btn primary" href={editHref("VirtualService")} data-testid="new-virtual-service">
            New VirtualService
          </Link>
          <Link className="btn" href={editHref("DestinationRule")} data-testid="new-destination-rule">
            New DestinationRule
          </Link>
        </div>
      </header>
      <ConfigView />
    </>
  );
}
