// RANDOM: a uniformly random host, or weighted by load_balancing_weight (binary search over prefix sums).

import { uniformWeights, type LbHost, type LoadBalancer } from "../common/load-balancer";

export function createRandom<T extends LbHost>(hosts: readonly T[]): LoadBalancer<T> {
  if (hosts.length === 0) return { pick: () => undefined };
  if (uniformWeights(hosts)) return { pick: () => hosts[Math.floor(Math.random() * hosts.length)] };
  const prefix = new Float64Array(hosts.length);
  let sum = 0;
  hosts.forEach((h, i) => (prefix[i] = sum += h.weight));
  return {
    pick() {
      const r = Math.random() * sum;
      let lo = 0;
      let hi = hosts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (prefix[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      return hosts[lo];
    },
  };
}
