// Test fixture: plain hosts for load balancer tests, and a pick counter.

import type { LbHost, LoadBalancer } from "../lb/common/load-balancer";

export interface TestHost extends LbHost {
  stats: { rq_active: number };
}

export function hosts(n: number, weights?: number[]): TestHost[] {
  return Array.from({ length: n }, (_, i) => ({ address: `10.0.0.${i + 1}:80`, weight: weights?.[i] ?? 1, stats: { rq_active: 0 } }));
}

export function countPicks(lb: LoadBalancer<TestHost>, picks: number, hash?: () => number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < picks; i++) {
    const h = lb.pick(hash?.())!;
    counts.set(h.address, (counts.get(h.address) ?? 0) + 1);
  }
  return counts;
}

export function randomKeys(n: number): number[] {
  return Array.from({ length: n }, () => (Math.random() * 0x100000000) >>> 0);
}
