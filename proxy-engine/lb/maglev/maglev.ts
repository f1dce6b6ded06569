// MAGLEV: a lookup table of table_size (a prime, default 65537) filled from per-host permutations, in
// proportion to weight; a pick is one array read. About 1/N of keys move when one of N hosts leaves.

import { murmur3 } from "../common/hash";
import type { LbHost, LoadBalancer } from "../common/load-balancer";

export const DEFAULT_TABLE_SIZE = 65537;

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export function createMaglev<T extends LbHost>(hosts: readonly T[], tableSize = DEFAULT_TABLE_SIZE): LoadBalancer<T> {
  if (hosts.length === 0) return { pick: () => undefined };
  if (!isPrime(tableSize)) throw new RangeError(`maglev table size ${tableSize} is not prime`);
  const m = tableSize;
  const n = hosts.length;
  const offset = hosts.map((h) => murmur3(h.address, 0x9747b28c) % m);
  const skip = hosts.map((h) => (murmur3(h.address, 0x5bd1e995) % (m - 1)) + 1);
  const next = new Array<number>(n).fill(0);
  const maxWeight = Math.max(...hosts.map((h) => h.weight));
  const credit = new Array<number>(n).fill(0);
  const table = new Int32Array(m).fill(-1);
  let filled = 0;
  while (filled < m) {
    for (let i = 0; i < n && filled < m; i++) {
      // Weighted Maglev: a host takes a slot each round its accumulated weight share allows.
      credit[i]! += hosts[i]!.weight / maxWeight;
      while (credit[i]! >= 1 && filled < m) {
        credit[i]! -= 1;
        let c = (offset[i]! + next[i]! * skip[i]!) % m;
        while (table[c] !== -1) {
          next[i]!++;
          c = (offset[i]! + next[i]! * skip[i]!) % m;
        }
        table[c] = i;
        next[i]!++;
        filled++;
      }
    }
  }
  return {
    pick(hash) {
      const h = hash === undefined ? Math.floor(Math.random() * m) : hash >>> 0;
      return hosts[table[h % m]!];
    },
  };
}
