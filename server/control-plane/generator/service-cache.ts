// Per-service generator outputs reused across push contexts: a service's packed outbound clusters and
// load assignments stay the very same objects while the service, its DestinationRule and (for EDS) its
// instances are unchanged. Inputs are compared structurally because the registry and the config store
// hand out fresh objects on every change; identical objects short-cut the comparison. A push after an
// unrelated change thus regenerates (and re-serializes) only what it touched, and the ADS server sees
// identical resources at no cost.

import type { GeneratedResource } from "../../xds/xds-types";
import type { Service, WorkloadInstance } from "../registry/registry-types";
import type { DestinationRule } from "../rules/istio-types";

const hasOwn = Object.prototype.hasOwnProperty;

/** Deep equality of plain data (what services, instances and rules are: JSON-like objects). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // Counting keys with for...in avoids allocating key arrays (this runs for every instance of a mesh).
  let n = 0;
  for (const k in a) {
    if (!hasOwn.call(a, k)) continue;
    if (!hasOwn.call(b, k) || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    n++;
  }
  for (const k in b) if (hasOwn.call(b, k)) n--;
  return n === 0;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
  return true;
}

interface Entry {
  svc: Service;
  dr: DestinationRule | undefined;
  instances: readonly WorkloadInstance[];
  out: GeneratedResource[];
}

const NO_INSTANCES: readonly WorkloadInstance[] = [];

/** One kind of per-service output (clusters or load assignments), keyed by service hostname. */
export interface ServiceOutputCache {
  /** Starts a full pass over the services; entries not used by the pass are dropped at `end()`. */
  begin(): void;
  get(svc: Service, dr: DestinationRule | undefined, instances: readonly WorkloadInstance[] | undefined, make: () => GeneratedResource[]): GeneratedResource[];
  end(): void;
  readonly size: number;
  /** Outputs reused and built since creation (for tests and benchmarks). */
  readonly stats: { hits: number; misses: number };
}

export function createServiceOutputCache(): ServiceOutputCache {
  let entries = new Map<string, Entry>();
  let next: Map<string, Entry> | undefined;
  const stats = { hits: 0, misses: 0 };

  return {
    begin() {
      next = new Map();
    },
    get(svc, dr, instances = NO_INSTANCES, make) {
      const old = entries.get(svc.hostname) ?? next?.get(svc.hostname);
      let e: Entry;
      if (old && sameData(old.svc, svc) && sameData(old.dr, dr) && sameList(old.instances, instances)) {
        stats.hits++;
        // Keep the newest inputs so that identity checks hit next time.
        e = { svc, dr, instances, out: old.out };
      } else {
        stats.misses++;
        e = { svc, dr, instances, out: make() };
      }
      (next ?? entries).set(svc.hostname, e);
      return e.out;
    },
    end() {
      if (next) entries = next;
      next = undefined;
    },
    get size() {
      return entries.size;
    },
    stats,
  };
}
