// Policy: the mesh's CheckRules and Quotas (Mixer-style check and memquota run in each proxy) with live
// denial, throttle and bucket counts; each rule opens in the form/YAML editor.
import Link from "next/link";
import { editHref } from "../config/rule-ref";
import { PolicyView } from "./policy-view";

export default function PolicyPage() {
  return (
    <>
      <header className="page-header cfg-page-header">
        <div>
          <h1>Policy</h1>
          <p className="muted">Checks (allow or deny with a CEL expression) and quotas (rate limits per user, path, …) as every proxy enforces them, with live counts. Every change is a revision.</p>
        </div>
        <div className="cfg-header-actions">
          <Link className="btn primary" href={editHref("CheckRule")} data-testid="new-check-rule">
            New CheckRule
          </Link>
          <Link className="btn" href={editHref("Quota")} data-testid="new-quota">
            New Quota
          </Link>
          <Link className="btn ghost" href="/history">
            History
          </Link>
        </div>
      </header>
      <PolicyView />
    </>
  );
}
