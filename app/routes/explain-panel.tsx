// "Test a request": method, authority, path and headers; the selected proxy's router says which route the
// request would take on each HTTP listener, and why each earlier route (and every other virtual host) did
// not match. Nothing is sent.
"use client";

import { useState } from "react";
import type { ExplainRouteResponse, ListenerExplanation } from "../../proto/gen/meshdash/route/v1/route_pb";
import { EXPLAIN_METHODS, type ExplainErrors, type ExplainForm } from "./explain-query";

export interface ExplainFormProps {
  value: ExplainForm;
  errors: ExplainErrors;
  pending: boolean;
  onChange(next: ExplainForm): void;
  onSubmit(): void;
  onClear?(): void;
}

export function ExplainRequestForm({ value, errors, pending, onChange, onSubmit, onClear }: ExplainFormProps) {
  const set = <K extends keyof ExplainForm>(k: K, v: ExplainForm[K]) => onChange({ ...value, [k]: v });
  return (
    <form
      className="rt-explain-form"
      aria-label="Test a request"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <label className="field narrow">
        <span>Method</span>
        <select name="method" value={value.method} onChange={(e) => set("method", e.target.value)}>
          {EXPLAIN_METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label className="field grow">
        <span>Authority (Host)</span>
        <input name="authority" placeholder="bookinfo.example.com or reviews:9080" value={value.authority} onChange={(e) => set("authority", e.target.value)} />
        {errors.authority && <em className="field-error">{errors.authority}</em>}
      </label>
      <label className="field grow">
        <span>Path</span>
        <input name="path" placeholder="/ratings/1?debug=1" value={value.path} onChange={(e) => set("path", e.target.value)} />
        {errors.path && <em className="field-error">{errors.path}</em>}
      </label>
      <label className="field grow">
        <span>Headers, one &quot;name: value&quot; a line</span>
        <textarea name="headers" rows={1} placeholder="end-user: jason" value={value.headers} onChange={(e) => set("headers", e.target.value)} />
        {errors.headers && <em className="field-error">{errors.headers}</em>}
      </label>
      <div className="rt-explain-actions">
        <button type="submit" className="btn primary" data-testid="explain-submit" disabled={pending || Object.keys(errors).length > 0}>
          {pending ? "Testing…" : "Test"}
        </button>
        {onClear && (
          <button type="button" className="btn ghost" onClick={onClear}>
            Clear
          </button>
        )}
      </div>
    </form>
  );
}

function ListenerResult({ e }: { e: ListenerExplanation }) {
  const [showHosts, setShowHosts] = useState(false);
  const chosen = e.virtualHosts.find((v) => v.chosen);
  const others = e.virtualHosts.filter((v) => !v.chosen);
  return (
    <section className="rt-explain-result" data-testid="explain-result" data-listener={e.listener}>
      <header>
        <span className="rt-kind">listener</span> <strong>{e.listener}</strong>
        {e.routeConfiguration && <span className="muted"> · route configuration {e.routeConfiguration}</span>}
      </header>
      <p className={e.route ? "rt-summary rt-summary-hit" : "rt-summary rt-summary-miss"} data-testid="explain-summary">
        {e.route ? "✓ " : "✗ "}
        {e.summary}
      </p>
      {(chosen || others.length > 0) && (
        <div className="rt-explain-block">
          <h4>Virtual host</h4>
          {chosen ? (
            <p>
              <strong>{chosen.name}</strong> <span className="muted">— {chosen.reason}</span>
            </p>
          ) : (
            <p className="muted">No virtual host matches this authority.</p>
          )}
          {others.length > 0 && (
            <>
              <button type="button" className="btn ghost rt-more" onClick={() => setShowHosts((s) => !s)} aria-expanded={showHosts}>
                {showHosts ? "Hide" : "Show"} why {others.length + e.omittedVirtualHosts} other virtual host{others.length + e.omittedVirtualHosts === 1 ? "" : "s"} did not match
              </button>
              {showHosts && (
                <ul className="rt-verdicts">
                  {others.map((v) => (
                    <li key={v.name} className="rt-verdict-miss">
                      <span className="rt-verdict-name">{v.name}</span> <span className="muted">{v.reason}</span>
                    </li>
                  ))}
                  {e.omittedVirtualHosts > 0 && <li className="muted">…and {e.omittedVirtualHosts} more</li>}
                </ul>
              )}
            </>
          )}
        </div>
      )}
      {e.routes.length > 0 && (
        <div className="rt-explain-block">
          <h4>Routes, in the order the router tries them</h4>
          {e.omittedRoutes > 0 && <p className="muted">{e.omittedRoutes} earlier routes did not match either (not listed).</p>}
          <ol className="rt-verdicts" start={(e.routes[0]?.index ?? 0) + 1}>
            {e.routes.map((r) => (
              <li key={r.index} className={r.matched ? "rt-verdict-hit" : "rt-verdict-miss"} data-testid="explain-route-verdict" data-name={r.name} data-matched={r.matched}>
                <span className="rt-verdict-mark">{r.matched ? "✓" : "✗"}</span> <span className="rt-verdict-name">{r.name}</span> <span className="rt-verdict-reason">{r.reason}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

export function ExplainResult({ result }: { result: ExplainRouteResponse }) {
  if (result.listeners.length === 0) {
    return (
      <div className="empty-state" data-testid="explain-empty">
        <h3>This proxy has no HTTP listeners</h3>
      </div>
    );
  }
  return (
    <div className="rt-explain-results">
      {result.listeners.map((e) => (
        <ListenerResult key={e.listener} e={e} />
      ))}
    </div>
  );
}
