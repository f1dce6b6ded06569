// The Policy page with no rules yet: what a CheckRule and a Quota do, an example of each, and the New buttons.
import Link from "next/link";
import { editHref } from "../config/rule-ref";

const EXAMPLE = `apiVersion: policy.meshdash.io/v1
kind: CheckRule
metadata: { name: no-admin, namespace: default }
spec:
  selector: { matchLabels: { app: details } }
  action: DENY
  match: 'request.path.startsWith("/admin")'
  reason: admin is internal
---
apiVersion: policy.meshdash.io/v1
kind: Quota
metadata: { name: per-user, namespace: default }
spec:
  selector: { matchLabels: { istio: ingressgateway } }
  dimensions: { user: 'request.headers["x-user"]' }
  maxAmount: 100
  validDuration: 1s`;

export function PolicyEmpty() {
  return (
    <div className="empty-state pol-empty" data-testid="policy-empty">
      <h3>No policies yet</h3>
      <p className="muted">
        A <strong>CheckRule</strong> is checked in the proxy before routing: a DENY rule answers the requests its CEL expression matches with 403; once any ALLOW rule
        selects a workload, only requests an ALLOW rule matches get through. A <strong>Quota</strong> gives each distinct value of its dimensions (say, each user) a
        bucket of maxAmount requests per validDuration; an empty bucket answers 429 with Retry-After.
      </p>
      <pre className="pol-example mono">{EXAMPLE}</pre>
      <div className="cfg-header-actions">
        <Link className="btn primary" href={editHref("CheckRule")}>
          New CheckRule
        </Link>
        <Link className="btn" href={editHref("Quota")}>
          New Quota
        </Link>
      </div>
    </div>
  );
}
