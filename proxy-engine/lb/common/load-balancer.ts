// The load balancer contract shared by every policy: a picker built once per host set (per config or
// membership change), asked for one host per request. Hash-based policies take the request's hash.

export interface LbHost {
  readonly address: string;
  readonly weight: number;
  /** Live count of requests in flight to the host (least request reads it). */
  readonly stats: { readonly rq_active: number };
}

export interface LoadBalancer<T extends LbHost> {
  /** A host, or undefined when there is none. `hash` is the request's hash for RING_HASH and MAGLEV. */
  pick(hash?: number): T | undefined;
}

export type LbFactory = <T extends LbHost>(hosts: readonly T[]) => LoadBalancer<T>;

export function uniformWeights(hosts: readonly LbHost[]): boolean {
  for (const h of hosts) if (h.weight !== hosts[0]!.weight) return false;
  return true;
}
