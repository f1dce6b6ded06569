// ROUND_ROBIN load balancer: hands out endpoints in turn. Weighted (smooth) round robin comes with the upstream issue.

export interface LoadBalancer<T> {
  /** The next host to try, or undefined when the cluster has none. */
  pick(): T | undefined;
}

export function createRoundRobin<T>(hosts: readonly T[]): LoadBalancer<T> {
  // Start at a random offset so that many proxies do not all hit the first host first (Envoy does the same).
  let next = hosts.length > 0 ? Math.floor(Math.random() * hosts.length) : 0;
  return {
    pick() {
      if (hosts.length === 0) return undefined;
      const host = hosts[next % hosts.length];
      next = (next + 1) % hosts.length;
      return host;
    },
  };
}
