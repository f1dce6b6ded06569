// Endpoints some proxy will not balance to (failed health check, ejected, or unhealthy in EDS), each
// linked to its cluster on that proxy.
"use client";

import Link from "next/link";
import type { ListUnhealthyEndpointsResponse } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { HealthFlags } from "../components/health-flags";
import { shortProxy } from "../components/traffic-format";

const href = (proxy: string, cluster: string) => `/clusters/${encodeURIComponent(cluster)}?proxy=${encodeURIComponent(proxy)}`;

export function UnhealthyEndpoints({ data }: { data: ListUnhealthyEndpointsResponse }) {
  if (data.total === 0) {
    return (
      <p className="muted" data-testid="ov-all-healthy">
        Every endpoint of every cluster is healthy.
      </p>
    );
  }
  return (
    <div>
      <ul className="ov-list">
        {data.endpoints.map((u) => (
          <li key={`${u.proxy}\n${u.cluster}\n${u.endpoint?.address}`} data-testid="ov-unhealthy">
            <div>
              <span className="mono">{u.endpoint?.address}</span> <HealthFlags flags={u.endpoint?.healthFlags ?? ""} />
            </div>
            <div className="muted ov-small">
              <Link href={href(u.proxy, u.cluster)} prefetch={false} className="mono">
                {u.cluster}
              </Link>{" "}
              on {shortProxy(u.proxy)}
            </div>
          </li>
        ))}
      </ul>
      {data.total > data.endpoints.length && <p className="muted ov-small">and {data.total - data.endpoints.length} more</p>}
    </div>
  );
}
