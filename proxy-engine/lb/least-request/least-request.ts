// LEAST_REQUEST: power of `choiceCount` choices (default 2): sample hosts at random (weighted) and take the
// one with the fewest requests in flight relative to its weight.

import type { LbHost, LoadBalancer } from "../common/load-balancer";
import { createRandom } from "../random/random";

export function createLeastRequest<T extends LbHost>(hosts: readonly T[], choiceCount = 2): LoadBalancer<T> {
  if (hosts.length === 0) return { pick: () => undefined };
  if (hosts.length === 1) return { pick: () => hosts[0] };
  const sample = createRandom(hosts);
  const load = (h: T) => (h.stats.rq_active + 1) / Math.max(h.weight, 1e-9);
  return {
    pick() {
      let best = sample.pick()!;
      for (let i = 1; i < choiceCount; i++) {
        const c = sample.pick()!;
        if (load(c) < load(best)) best = c;
      }
      return best;
    },
  };
}
