// Diff preview against the running revision: each changed rule as a YAML line diff, then the per-proxy
// xDS changes (grouped by proxy and type, collapsible, each resource's JSON as a line diff).
"use client";

import { DiffView } from "../components/diff-view";
import type { ChangeSummary } from "./change-result";
import { LazyDetails } from "./lazy-details";
import { ruleLabel } from "./rule-ref";
import { groupByProxy, prettyJson, shortProxyName } from "./xds-groups";

export function RuleDiffs({ change }: { change: Pick<ChangeSummary, "rules"> }) {
  return (
    <>
      {change.rules.map((r) => (
        <div key={`${r.kind}/${r.namespace}/${r.name}`} className="cfg-rule-diff" data-testid="config-diff">
          <h4>
            <span className={`cfg-change cfg-change-${r.change}`}>{r.change}</span> {ruleLabel(r)}
          </h4>
          <DiffView before={r.beforeYaml} after={r.afterYaml} />
        </div>
      ))}
    </>
  );
}

export function XdsDiffs({ change }: { change: Pick<ChangeSummary, "resources"> }) {
  const groups = groupByProxy(change.resources);
  if (groups.length === 0) return <p className="muted">No proxy's xDS config changes.</p>;
  return (
    <div className="cfg-xds" data-testid="xds-diff">
      {groups.map((g) => (
        <LazyDetails
          key={g.proxy}
          className="cfg-xds-proxy"
          testId="xds-proxy"
          summary={
            <>
              <span className="mono" title={g.proxy}>
                {shortProxyName(g.proxy)}
              </span>{" "}
              {g.types.map((t) => (
                <span key={t.type} className="badge cfg-xds-type">
                  {t.type} {t.resources.length}
                </span>
              ))}
            </>
          }
        >
          {() =>
            g.types.map((t) => (
              <div key={t.type} className="cfg-xds-typegroup">
                <h5>{t.type}</h5>
                {t.resources.map((r) => (
                  <LazyDetails
                    key={r.name}
                    className="cfg-xds-resource"
                    summary={
                      <>
                        <span className={`cfg-change cfg-change-${r.change}`}>{r.change}</span> <span className="mono">{r.name}</span>
                      </>
                    }
                  >
                    {() => <DiffView before={prettyJson(r.beforeJson)} after={prettyJson(r.afterJson)} />}
                  </LazyDetails>
                ))}
              </div>
            ))
          }
        </LazyDetails>
      ))}
    </div>
  );
}

export interface ChangePreviewProps {
  baseRevision: number;
  blocked: boolean;
  checking: boolean;
  change: ChangeSummary | undefined;
  failed?: string;
}

export function ChangePreview({ baseRevision, blocked, checking, change, failed }: ChangePreviewProps) {
  let body;
  if (failed) body = <p className="error-text">Dry run failed: {failed}</p>;
  else if (blocked) body = <p className="muted">Fix the problems above to preview the change.</p>;
  else if (!change) body = <p className="muted">{checking ? `Computing the change against revision ${baseRevision}…` : "Waiting for the dry run…"}</p>;
  else if (change.rules.length === 0) body = <p className="muted" data-testid="no-changes">No changes against the running config.</p>;
  else {
    const proxies = new Set(change.resources.map((r) => r.proxy)).size;
    body = (
      <>
        <RuleDiffs change={change} />
        <h4 className="cfg-xds-title">
          xDS: {proxies} {proxies === 1 ? "proxy" : "proxies"} would receive new config ({change.resources.length} resources)
        </h4>
        <XdsDiffs change={change} />
      </>
    );
  }
  return (
    <section className="card cfg-preview" data-testid="change-preview" aria-busy={checking}>
      <header>
        <h3>Changes against the running config</h3>
        {checking && <span className="muted">checking…</span>}
      </header>
      {body}
    </section>
  );
}
