// The Policy page's data: stored CheckRules and Quotas with the live counts every proxy reports (polled),
// the mesh's denials and throttles, and the loading, empty and error states.
"use client";

import { ConnectError } from "@connectrpc/connect";
import { useMemo } from "react";
import { PageError } from "../components/page-error";
import { PolicyChart } from "./policy-chart";
import { PolicyEmpty } from "./policy-empty";
import { usePolicyRules, usePolicyStatus } from "./policy-queries";
import { policyRows } from "./policy-rows";
import { PolicyTable } from "./policy-table";
import { usePolicyTrend } from "./use-policy-trend";

export function PolicyView() {
  const rules = usePolicyRules();
  const status = usePolicyStatus();
  const trend = usePolicyTrend(status.data, status.dataUpdatedAt);
  const rows = useMemo(() => (rules.policies ? policyRows(rules.policies, status.data) : undefined), [rules.policies, status.data]);

  if (rules.isPending) return <div className="loading">Loading policies…</div>;
  if (rules.error) return <PageError page="Policy" error={rules.error} reset={() => void rules.refetch()} />;

  const denied = status.data ? Number(status.data.denied) : undefined;
  const throttled = status.data ? Number(status.data.throttled) : undefined;
  return (
    <div className="pol-view">
      <section className="card pol-summary" aria-label="Denials and throttles">
        <div className="pol-totals">
          <div>
            <span className="muted">Denied (403)</span>
            <strong data-testid="policy-total-denied" data-value={denied}>
              {denied?.toLocaleString() ?? "…"}
            </strong>
          </div>
          <div>
            <span className="muted">Throttled (429)</span>
            <strong data-testid="policy-total-throttled" data-value={throttled}>
              {throttled?.toLocaleString() ?? "…"}
            </strong>
          </div>
          <div>
            <span className="muted">Proxies enforcing</span>
            <strong>{status.data ? status.data.proxies.filter((p) => p.checkRules.length + p.quotas.length > 0).length : "…"}</strong>
          </div>
        </div>
        <PolicyChart points={trend} />
      </section>
      {status.error && (
        <p className="cfg-banner cfg-banner-error" role="alert" data-testid="policy-status-error">
          Live counts unavailable: {ConnectError.from(status.error).rawMessage}. Retrying every few seconds.
        </p>
      )}
      {rows && rows.length === 0 ? (
        <PolicyEmpty />
      ) : (
        <div className="card">
          <PolicyTable rows={rows ?? []} />
        </div>
      )}
    </div>
  );
}
