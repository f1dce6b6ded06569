// Proxies out of sync with the control plane (any xDS type not SYNCED), live from MeshService.WatchProxies,
// with the proxy's NACK message; a bar shows how much of the fleet is in sync.
"use client";

import Link from "next/link";
import type { Proxy } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { shortProxy } from "../components/traffic-format";
import { syncSummary } from "./overview-data";

export function SyncPanel({ proxies }: { proxies: readonly Proxy[] }) {
  const s = syncSummary(proxies);
  return (
    <div className="ov-sync" data-testid="ov-sync">
      <div className="ov-sync-bar" role="img" aria-label={`${s.synced} of ${s.total} proxies in sync`}>
        <span className="ov-sync-ok" style={{ flexGrow: s.synced }} />
        <span className="ov-sync-bad" style={{ flexGrow: s.total - s.synced }} />
      </div>
      <p className="ov-sync-line">
        <strong>{s.synced}</strong> of {s.total} proxies in sync
      </p>
      {s.outOfSync.length === 0 ? (
        <p className="muted" data-testid="ov-all-synced">
          Every proxy has ACKed the config it was sent.
        </p>
      ) : (
        <ul className="ov-list">
          {s.outOfSync.map((o) => (
            <li key={o.id} data-testid="ov-out-of-sync">
              <span className="mono" title={o.id}>
                {shortProxy(o.id)}
              </span>
              {o.types.map((t) => (
                <div key={t.type} className="ov-sync-type">
                  <span className={`ov-state ov-state-${t.state === "ERROR" ? "err" : "warn"}`}>
                    {t.type} {t.state}
                  </span>
                  {t.error && <span className="ov-nack">{t.error}</span>}
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
      <Link href="/proxies" className="ov-more">
        All proxies →
      </Link>
    </div>
  );
}
