// Per-host state that outlives config versions: request counters and outlier detection state, keyed by
// cluster and address, so a config swap neither resets /clusters nor forgives an ejected host.

export interface HostStats {
  rq_total: number;
  rq_success: number;
  rq_error: number;
  rq_active: number;
  cx_connect_fail: number;
  /** HTTP/1.1 upstream connections opened to the host, and open now (Envoy's per-host cx_total, cx_active). */
  cx_total: number;
  cx_active: number;
}

export interface OutlierState {
  consecutive5xx: number;
  consecutiveGatewayFailure: number;
  consecutiveLocalOriginFailure: number;
  /** Requests and successes in the current success-rate interval. */
  intervalRequests: number;
  intervalSuccesses: number;
  /** How many times the host has been ejected (the next ejection lasts this many × base time). */
  ejections: number;
  /** Epoch ms until which the host is ejected; 0 when it is not. */
  ejectedUntil: number;
}

/** Active health checking state; a host counts as healthy until a check says otherwise. */
export interface ActiveHealthState {
  failed: boolean;
  /** No check has completed yet. */
  pending: boolean;
  /** The last check timed out. */
  timedOut: boolean;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export interface HostState {
  stats: HostStats;
  outlier: OutlierState;
  activeHealth: ActiveHealthState;
}

export interface HostRegistry {
  get(cluster: string, address: string): HostState;
  /** Forgets hosts no longer in any configured cluster. */
  retain(live: Set<string>): void;
}

export function hostKey(cluster: string, address: string): string {
  return `${cluster}|${address}`;
}

export function createHostRegistry(): HostRegistry {
  const hosts = new Map<string, HostState>();
  return {
    get(cluster, address) {
      const key = hostKey(cluster, address);
      let h = hosts.get(key);
      if (!h) {
        h = {
          stats: { rq_total: 0, rq_success: 0, rq_error: 0, rq_active: 0, cx_connect_fail: 0, cx_total: 0, cx_active: 0 },
          outlier: { consecutive5xx: 0, consecutiveGatewayFailure: 0, consecutiveLocalOriginFailure: 0, intervalRequests: 0, intervalSuccesses: 0, ejections: 0, ejectedUntil: 0 },
          activeHealth: { failed: false, pending: true, timedOut: false, consecutiveFailures: 0, consecutiveSuccesses: 0 },
        };
        hosts.set(key, h);
      }
      return h;
    },
    retain(live) {
      for (const key of hosts.keys()) if (!live.has(key)) hosts.delete(key);
    },
  };
}
