// The policy list: one row per CheckRule and Quota with who it selects, what it does, its expression and
// the live counts of the proxies running it; a quota row opens to show its busiest buckets.
"use client";

import Link from "next/link";
import { Fragment, useState } from "react";
import { editHref } from "../config/rule-ref";
import { scopeText, type PolicyRow } from "./policy-rows";
import { QuotaBuckets } from "./quota-buckets";

const n = (v: number | undefined) => (v === undefined ? "…" : v.toLocaleString());

function What({ row }: { row: PolicyRow }) {
  const r = row.rule;
  if (r.kind === "CheckRule") return <span className={`badge ${r.action === "DENY" ? "pol-deny" : "pol-allow"}`}>{r.action || "?"}</span>;
  const dims = Object.keys(r.dimensions);
  return (
    <span>
      <strong>{r.maxAmount ?? "?"}</strong> / {r.validDuration || "?"}
      {dims.length > 0 && <span className="muted"> per {dims.join(", ")}</span>}
    </span>
  );
}

function Live({ row }: { row: PolicyRow }) {
  const l = row.live;
  if (row.rule.kind === "CheckRule")
    return (
      <>
        <td className="num" data-testid="policy-matched">{n(l?.matched)}</td>
        <td className="num" data-testid="policy-denied" data-value={l?.denied}>
          {l && l.denied > 0 ? <span className="cfg-bad">{n(l.denied)}</span> : n(l?.denied)}
          {l && l.errors > 0 && <span className="cfg-warn" title="evaluations that failed (the rule did not match)"> · {n(l.errors)} errors</span>}
        </td>
      </>
    );
  return (
    <>
      <td className="num" data-testid="policy-allowed">{n(l?.allowed)}</td>
      <td className="num" data-testid="policy-throttled" data-value={l?.throttled}>
        {l && l.throttled > 0 ? <span className="cfg-warn">{n(l.throttled)}</span> : n(l?.throttled)}
        <span className="muted" data-testid="policy-buckets" data-value={l?.bucketCount}> · {n(l?.bucketCount)} buckets</span>
      </td>
    </>
  );
}

export function PolicyTable({ rows }: { rows: readonly PolicyRow[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (k: string) => setOpen((s) => (s.has(k) ? new Set([...s].filter((x) => x !== k)) : new Set([...s, k])));
  return (
    <table className="simple pol-table" data-testid="policy-table">
      <thead>
        <tr>
          <th />
          <th>Kind</th>
          <th>Rule</th>
          <th>Applies to</th>
          <th>Action / limit</th>
          <th>Expression</th>
          <th className="num" title="CheckRule: requests matched · Quota: requests allowed">Matched / allowed</th>
          <th className="num" title="CheckRule: requests denied (403) · Quota: requests throttled (429)">Denied / throttled</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const r = row.rule;
          const key = `${r.kind}/${r.namespace}/${r.name}`;
          const isOpen = open.has(key);
          const dims = Object.entries(r.dimensions);
          return (
            <Fragment key={key}>
              <tr data-testid="policy-row" data-kind={r.kind} data-namespace={r.namespace} data-name={r.name}>
                <td>
                  {r.kind === "Quota" && (
                    <button type="button" className="btn ghost cfg-icon-btn" aria-expanded={isOpen} aria-label={`${isOpen ? "hide" : "show"} buckets of ${r.name}`} data-testid="quota-expand" onClick={() => toggle(key)}>
                      {isOpen ? "▾" : "▸"}
                    </button>
                  )}
                </td>
                <td>{r.kind}</td>
                <td>
                  <Link href={editHref(r.kind, r.namespace, r.name)} data-testid="policy-edit">
                    {r.namespace}/{r.name}
                  </Link>
                  {r.reason && <div className="muted pol-reason">{r.reason}</div>}
                </td>
                <td className="mono">{scopeText(r)}</td>
                <td>
                  <What row={row} />
                </td>
                <td className="mono pol-expr-cell">
                  {r.match || <span className="muted">every request</span>}
                  {dims.map(([k, v]) => (
                    <div key={k} className="muted">
                      {k} = {v}
                    </div>
                  ))}
                </td>
                <Live row={row} />
              </tr>
              {isOpen && (
                <tr className="pol-bucket-row">
                  <td colSpan={8}>
                    <QuotaBuckets perProxy={row.live?.perProxy ?? []} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
