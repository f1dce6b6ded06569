// ROUND_ROBIN: equal weights take turns (O(1)); unequal weights use Envoy's earliest-deadline-first
// schedule, which interleaves hosts smoothly in proportion to weight (O(log n) per pick).

import { uniformWeights, type LbHost, type LoadBalancer } from "../common/load-balancer";

export type { LoadBalancer } from "../common/load-balancer";

export function createRoundRobin<T extends LbHost>(hosts: readonly T[]): LoadBalancer<T> {
  if (hosts.length === 0) return { pick: () => undefined };
  // Start at a random offset so that many proxies do not all hit the first host first (Envoy does the same).
  if (uniformWeights(hosts)) {
    let next = Math.floor(Math.random() * hosts.length);
    return {
      pick() {
        const h = hosts[next]!;
        next = next + 1 === hosts.length ? 0 : next + 1;
        return h;
      },
    };
  }
  return createEdf(hosts);
}

/** Earliest deadline first: host i is due every 1/weight_i; ties go to the lower index. */
function createEdf<T extends LbHost>(hosts: readonly T[]): LoadBalancer<T> {
  const n = hosts.length;
  const deadline = new Float64Array(n);
  const heap = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // A random phase per host, so a fresh config does not start every proxy on the same host.
    deadline[i] = Math.random() / Math.max(hosts[i]!.weight, 1e-9);
    heap[i] = i;
  }
  const less = (a: number, b: number) => deadline[a]! < deadline[b]! || (deadline[a] === deadline[b] && a < b);
  const down = (pos: number) => {
    for (;;) {
      const l = 2 * pos + 1;
      const r = l + 1;
      let m = pos;
      if (l < n && less(heap[l]!, heap[m]!)) m = l;
      if (r < n && less(heap[r]!, heap[m]!)) m = r;
      if (m === pos) return;
      const t = heap[pos]!;
      heap[pos] = heap[m]!;
      heap[m] = t;
      pos = m;
    }
  };
  for (let i = (n >> 1) - 1; i >= 0; i--) down(i);
  return {
    pick() {
      const i = heap[0]!;
      deadline[i] = deadline[i]! + 1 / Math.max(hosts[i]!.weight, 1e-9);
      down(0);
      return hosts[i];
    },
  };
}
