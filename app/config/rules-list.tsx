// The two rule tables: VirtualServices (hosts, gateways, routes) and DestinationRules (host, subsets),
// each row with the revision that last changed it and a link to the editor.
"use client";

import Link from "next/link";
import { editHref, type RuleKind } from "./rule-ref";
import type { RuleEntry } from "./rule-summary";

function Empty({ kind }: { kind: RuleKind }) {
  return (
    <div className="empty-state cfg-empty">
      <h3>No {kind}s</h3>
      <p className="muted">
        <Link href={editHref(kind)}>Create one</Link> to change how traffic is routed.
      </p>
    </div>
  );
}

export function RulesList({ rules }: { rules: readonly RuleEntry[] }) {
  const vs = rules.filter((r) => r.ref.kind === "VirtualService");
  const dr = rules.filter((r) => r.ref.kind === "DestinationRule");
  return (
    <div className="cfg-rule-lists">
      <div className="card">
        <header>
          <h3>VirtualServices</h3>
          <span className="muted">{vs.length}</span>
        </header>
        {vs.length === 0 ? (
          <Empty kind="VirtualService" />
        ) : (
          <table className="simple" data-testid="virtual-services">
            <thead>
              <tr>
                <th>Name</th>
                <th>Namespace</th>
                <th>Hosts</th>
                <th>Gateways</th>
                <th className="num">Routes</th>
                <th className="num">Last revision</th>
              </tr>
            </thead>
            <tbody>
              {vs.map((r) => (
                <tr key={`${r.ref.namespace}/${r.ref.name}`} data-testid="rule-row" data-kind={r.ref.kind} data-name={r.ref.name}>
                  <td>
                    <Link href={editHref(r.ref.kind, r.ref.namespace, r.ref.name)}>{r.ref.name}</Link>
                  </td>
                  <td>{r.ref.namespace}</td>
                  <td className="mono">{r.hosts.join(", ") || "—"}</td>
                  <td className="mono">{r.gateways.join(", ") || <span className="muted">mesh</span>}</td>
                  <td className="num">{r.routes}</td>
                  <td className="num">{r.revision}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <header>
          <h3>DestinationRules</h3>
          <span className="muted">{dr.length}</span>
        </header>
        {dr.length === 0 ? (
          <Empty kind="DestinationRule" />
        ) : (
          <table className="simple" data-testid="destination-rules">
            <thead>
              <tr>
                <th>Name</th>
                <th>Namespace</th>
                <th>Host</th>
                <th>Subsets</th>
                <th className="num">Last revision</th>
              </tr>
            </thead>
            <tbody>
              {dr.map((r) => (
                <tr key={`${r.ref.namespace}/${r.ref.name}`} data-testid="rule-row" data-kind={r.ref.kind} data-name={r.ref.name}>
                  <td>
                    <Link href={editHref(r.ref.kind, r.ref.namespace, r.ref.name)}>{r.ref.name}</Link>
                  </td>
                  <td>{r.ref.namespace}</td>
                  <td className="mono">{r.hosts[0] ?? "—"}</td>
                  <td className="mono">{r.subsets.map((s) => s.name).join(", ") || "—"}</td>
                  <td className="num">{r.revision}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
