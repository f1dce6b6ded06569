// Envoy's host-set load balancing around a policy: priority levels with failover by health (each level
// carries up to health × overprovisioning_factor (1.4) of the load, the rest spills to the next level),
// the panic threshold (a level too unhealthy balances over all its hosts), and, when enabled,
// locality-weighted balancing (a locality's share is its weight scaled by its health).

import type { LoadBalancer } from "../lb/common/load-balancer";
import type { Counter } from "../stats/stats-store";
import type { Endpoint } from "./cluster";

export interface HostSetOptions {
  /** Percent; a level with fewer healthy hosts than this balances over all of them. Envoy's default is 50. */
  panicThreshold: number;
  localityWeighted: boolean;
  /** Envoy's default overprovisioning factor, 140%. */
  overprovisioning?: number;
}

interface Level {
  lb: LoadBalancer<Endpoint>;
  /** Cumulative load up to and including this level, in percent. */
  upTo: number;
}

function localityKey(e: Endpoint): string {
  return `${e.locality.region}/${e.locality.zone}/${e.locality.subZone}`;
}

/** Locality-weighted choice between per-locality balancers. */
function localityLb(all: Endpoint[], healthy: Endpoint[], makeLb: (h: Endpoint[]) => LoadBalancer<Endpoint>, factor: number): LoadBalancer<Endpoint> {
  const groups = new Map<string, { all: number; healthy: Endpoint[]; weight: number }>();
  for (const e of all) {
    const g = groups.get(localityKey(e)) ?? { all: 0, healthy: [], weight: e.localityWeight };
    g.all++;
    groups.set(localityKey(e), g);
  }
  for (const e of healthy) groups.get(localityKey(e))!.healthy.push(e);
  const entries = [...groups.values()].filter((g) => g.healthy.length > 0 && g.weight > 0).map((g) => ({ lb: makeLb(g.healthy), w: g.weight * Math.min(1, (factor * g.healthy.length) / g.all) }));
  const total = entries.reduce((n, e) => n + e.w, 0);
  if (entries.length === 0 || total === 0) return makeLb(healthy);
  return {
    pick(hash) {
      let r = Math.random() * total;
      for (const e of entries) if ((r -= e.w) < 0) return e.lb.pick(hash);
      return entries[entries.length - 1]!.lb.pick(hash);
    },
  };
}

export function buildHostSetLb(
  endpoints: readonly Endpoint[],
  available: (e: Endpoint) => boolean,
  makeLb: (hosts: Endpoint[]) => LoadBalancer<Endpoint>,
  opts: HostSetOptions,
  panicCounter: Counter,
): LoadBalancer<Endpoint> {
  const factor = (opts.overprovisioning ?? 140) / 100;
  const byPriority = new Map<number, Endpoint[]>();
  for (const e of endpoints) byPriority.set(e.priority, [...(byPriority.get(e.priority) ?? []), e]);
  const priorities = [...byPriority.keys()].sort((a, b) => a - b);
  const levels = priorities.map((p) => {
    const all = byPriority.get(p)!;
    const healthy = all.filter(available);
    return { all, healthy, health: Math.min(100, (100 * factor * healthy.length) / all.length) };
  });
  // Fast path: one level, everything healthy, no locality weighting: the policy alone.
  if (levels.length === 1 && levels[0]!.healthy.length === levels[0]!.all.length && !opts.localityWeighted) return makeLb(levels[0]!.all);
  const totalHealth = levels.reduce((n, l) => n + l.health, 0);
  const built: Level[] = [];
  let remaining = 100;
  let upTo = 0;
  for (const l of levels) {
    // Below 100 total health, loads are normalised so that all of the traffic still goes somewhere.
    const load = totalHealth === 0 ? 0 : totalHealth < 100 ? (l.health / totalHealth) * 100 : Math.min(remaining, l.health);
    remaining -= load;
    upTo += load;
    const panic = l.all.length > 0 && (100 * l.healthy.length) / l.all.length < opts.panicThreshold;
    const hosts = panic || l.healthy.length === 0 ? l.all : l.healthy;
    const lb = opts.localityWeighted && !panic ? localityLb(l.all, hosts, makeLb, factor) : makeLb(hosts);
    built.push({ lb: panic ? countingPanic(lb, panicCounter) : lb, upTo });
  }
  // No healthy host at any level: the first level in panic.
  if (totalHealth === 0) return countingPanic(makeLb(levels[0]?.all ?? []), panicCounter);
  return {
    pick(hash) {
      const r = Math.random() * 100;
      for (const l of built) if (r < l.upTo) return l.lb.pick(hash);
      return built[built.length - 1]!.lb.pick(hash);
    },
  };
}

function countingPanic(lb: LoadBalancer<Endpoint>, c: Counter): LoadBalancer<Endpoint> {
  return {
    pick(hash) {
      c.value++;
      return lb.pick(hash);
    },
  };
}
