// A quota's busiest buckets on each proxy that runs it: the dimension values, tokens left of maxAmount as a
// bar, and how many requests that bucket throttled.
"use client";

import { shortProxyName } from "../config/xds-groups";
import type { QuotaProxyBuckets } from "./policy-rows";

export function QuotaBuckets({ perProxy }: { perProxy: readonly QuotaProxyBuckets[] }) {
  if (perProxy.length === 0) return <p className="muted cfg-note">No proxy runs this quota yet (no workload matches its selector, or the push has not arrived).</p>;
  return (
    <div className="pol-buckets">
      {perProxy.map((p) => (
        <div key={p.proxy} className="pol-bucket-proxy" data-testid="quota-proxy" data-proxy={p.proxy}>
          <h4 className="mono" title={p.proxy}>
            {shortProxyName(p.proxy)} <span className="muted">· {p.bucketCount} {p.bucketCount === 1 ? "bucket" : "buckets"}</span>
          </h4>
          {p.buckets.length === 0 ? (
            <p className="muted cfg-note">No requests counted yet.</p>
          ) : (
            <table className="simple pol-bucket-table">
              <thead>
                <tr>
                  <th>Bucket</th>
                  <th>Tokens left</th>
                  <th className="num">Throttled</th>
                </tr>
              </thead>
              <tbody>
                {p.buckets.map((b) => {
                  const pct = p.maxAmount > 0 ? Math.max(0, Math.min(100, (b.tokens / p.maxAmount) * 100)) : 0;
                  return (
                    <tr key={b.key} data-testid="quota-bucket" data-key={b.key} data-tokens={b.tokens} data-throttled={b.throttled}>
                      <td className="mono">{b.key || <span className="muted">(no dimensions)</span>}</td>
                      <td>
                        <div className="pol-bar" title={`${b.tokens} of ${p.maxAmount}`}>
                          <div className={`pol-bar-fill ${pct === 0 ? "pol-bar-empty" : pct < 25 ? "pol-bar-low" : ""}`} style={{ width: `${pct}%` }} />
                          <span className="pol-bar-text">
                            {b.tokens} / {p.maxAmount}
                          </span>
                        </div>
                      </td>
                      <td className="num">{b.throttled}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </div>
  );
}
