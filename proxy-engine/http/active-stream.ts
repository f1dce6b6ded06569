// The state of one downstream request as it moves through the connection manager and the router.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { UpstreamHandle } from "../upstream/upstream-request";
import type { DownstreamRequest, DownstreamResponse } from "./downstream";
import type { CompiledConfig } from "../config/compile";
import type { CompiledRoute, CompiledVirtualHost } from "../router/route-table";
import type { CompiledCluster, Endpoint } from "../upstream/cluster";
import type { StreamTap } from "../tap/stream-tap";
import type { FilterContext, StreamFilter } from "./filters/stream-filter";
import type { HcmStats } from "./hcm-stats";
import type { AccessLogger } from "./access-log/access-logger";
import type { PolicyState } from "./filters/policy/policy-filter";

export interface ActiveStream {
  req: DownstreamRequest;
  res: DownstreamResponse;
  /** The config version this request started on; it finishes on it even if a swap happens meanwhile. */
  config: CompiledConfig;
  stats: HcmStats;
  /** The connection manager's stream filters (shared, not per request). */
  filters: readonly StreamFilter[];
  /** The connection manager's access loggers (shared). */
  accessLogs: readonly AccessLogger[];
  /** Set when the stream has filters: the context their phases share. */
  filterContext: (FilterContext & { parked?: () => void }) | undefined;
  startedAt: number;
  virtualHost: CompiledVirtualHost | undefined;
  route: CompiledRoute | undefined;
  cluster: CompiledCluster | undefined;
  endpoint: Endpoint | undefined;
  upstream: UpstreamHandle | undefined;
  /** Upstream attempts made so far (1 + retries). */
  attempts: number;
  /** Counted in the cluster's active retries. */
  retrying: boolean;
  /** Route timeout, cleared when the response completes. */
  routeTimer: NodeJS.Timeout | undefined;
  generateRequestId: boolean;
  tap: StreamTap | undefined;
  requestInitSent: boolean;
  /** Envoy response flags, comma-separated (NR, UH, UF, UT, UC, UR, URX, NC, DC). */
  responseFlags: string;
  responseBytes: number;
  /** Status and headers as sent downstream (for stats and access logs). */
  status: number;
  responseHeaders: OutgoingHttpHeaders | undefined;
  /** When the last upstream attempt started (performance.now()). */
  upstreamStartedAt: number;
  trailers: IncomingHttpHeaders | undefined;
  /** The policy filter's per-request state (attributes, peer, denial), when that filter runs. */
  policy: PolicyState | undefined;
}

export function addFlag(s: ActiveStream, flag: string): void {
  s.responseFlags = s.responseFlags ? `${s.responseFlags},${flag}` : flag;
}
