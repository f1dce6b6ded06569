// Services with their golden signals: a five-minute request-rate trend, requests per second, success
// rate (as a bar) and p99 latency over the last minute. The busiest few are shown; search finds the rest.
"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { ServiceStats } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { Sparkline } from "../components/sparkline";
import { errorLevel, formatMs, formatPercent, formatRps } from "../components/traffic-format";
import { rankServices } from "./overview-data";

const SHOWN = 12;

function SuccessBar({ errorRate }: { errorRate: number | undefined }) {
  if (errorRate === undefined) return <span className="muted">—</span>;
  const ok = 1 - errorRate;
  return (
    <span className={`ov-success cl-level-${errorLevel(errorRate)}`} title={`${formatPercent(ok)} of requests succeeded`}>
      <span className="ov-success-bar">
        <span style={{ width: `${ok * 100}%` }} />
      </span>
      {formatPercent(ok)}
    </span>
  );
}

export function ServiceTable({ services }: { services: readonly ServiceStats[] }) {
  const [search, setSearch] = useState("");
  const ranked = useMemo(() => rankServices(services), [services]);
  const matching = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q ? ranked.filter((s) => s.hostname.toLowerCase().includes(q)) : ranked;
  }, [ranked, search]);
  const shown = matching.slice(0, SHOWN);
  return (
    <div className="ov-services">
      <div className="ov-panel-bar">
        <input className="ov-search" type="search" placeholder={`Search ${services.length.toLocaleString("en-US")} services…`} value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search services" />
        {matching.length > SHOWN && <span className="muted">busiest {SHOWN} of {matching.length.toLocaleString("en-US")}</span>}
      </div>
      {shown.length === 0 ? (
        <p className="muted">{services.length === 0 ? "The registry has no services." : `No service matches “${search}”.`}</p>
      ) : (
        <table className="simple ov-service-table">
          <thead>
            <tr>
              <th>Service</th>
              <th title="requests per second, last five minutes">Trend (5 min)</th>
              <th className="num">RPS</th>
              <th>Success rate</th>
              <th className="num">p99</th>
              <th className="num" title="registry instances">Instances</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => {
              const t = s.traffic;
              const rps = s.history.map((p) => p.traffic?.rps ?? 0);
              const errors = s.history.map((p) => (p.traffic?.rps ?? 0) * (p.traffic?.errorRate ?? 0));
              return (
                <tr key={s.hostname} data-testid="ov-service" data-service={s.name}>
                  <td>
                    <Link href={`/clusters?q=${encodeURIComponent(s.hostname)}`} prefetch={false} className="ov-service-name">
                      {s.name}
                    </Link>
                    <span className="muted"> .{s.namespace}</span>
                    {s.view === "outbound" && (
                      <span className="ov-view-badge" title="No sidecar serves it: measured at the proxies that call it">
                        client side
                      </span>
                    )}
                  </td>
                  <td>{rps.length > 1 ? <Sparkline values={rps} errors={errors} label={`${s.name}: requests per second, last five minutes`} /> : <span className="muted">—</span>}</td>
                  <td className="num" data-testid="ov-service-rps">
                    {formatRps(t?.rps ?? 0)}
                  </td>
                  <td>
                    <SuccessBar errorRate={t?.errorRate} />
                  </td>
                  <td className="num">{formatMs(t?.p99Ms)}</td>
                  <td className="num muted">{s.instances}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
