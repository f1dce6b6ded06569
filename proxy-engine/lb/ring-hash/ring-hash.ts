// RING_HASH (ketama-style consistent hashing): each host owns ring entries in proportion to its weight,
// between minimum_ring_size (default 1024) and maximum_ring_size (default 8M); a request goes to the first
// entry at or after its hash. Unlike Envoy, entries per unit of weight are rounded up to a power of two, so
// they rarely change when a host joins or leaves: then only the departed host's keys (about 1/N) move.

import { murmur3 } from "../common/hash";
import type { LbHost, LoadBalancer } from "../common/load-balancer";

export interface RingHashOptions {
  minimumRingSize?: number;
  maximumRingSize?: number;
}

export function createRingHash<T extends LbHost>(hosts: readonly T[], opts: RingHashOptions = {}): LoadBalancer<T> {
  if (hosts.length === 0) return { pick: () => undefined };
  const min = opts.minimumRingSize ?? 1024;
  const max = opts.maximumRingSize ?? 8 * 1024 * 1024;
  const minWeight = Math.min(...hosts.map((h) => h.weight));
  const units = hosts.map((h) => h.weight / minWeight);
  const totalUnits = units.reduce((a, b) => a + b, 0);
  let perUnit = 2 ** Math.ceil(Math.log2(Math.max(1, Math.ceil(min / totalUnits))));
  if (perUnit * totalUnits > max) perUnit = max / totalUnits;
  const entries: { hash: number; host: number }[] = [];
  hosts.forEach((h, i) => {
    const count = Math.max(1, Math.round(units[i]! * perUnit));
    for (let k = 0; k < count; k++) entries.push({ hash: murmur3(`${h.address}_${k}`), host: i });
  });
  entries.sort((a, b) => a.hash - b.hash || a.host - b.host);
  const ringHash = new Uint32Array(entries.map((e) => e.hash));
  const ringHost = new Uint32Array(entries.map((e) => e.host));
  const size = ringHash.length;
  return {
    pick(hash) {
      // Without a hash (no hash policy matched), Envoy picks a random entry.
      const h = hash === undefined ? (Math.random() * 0x100000000) >>> 0 : hash >>> 0;
      let lo = 0;
      let hi = size;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ringHash[mid]! < h) lo = mid + 1;
        else hi = mid;
      }
      return hosts[ringHost[lo === size ? 0 : lo]!];
    },
  };
}
