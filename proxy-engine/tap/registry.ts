// Registry of the taps active on one proxy. `active` is replaced, never mutated, so the request path can
// test `active.length !== 0` (its only cost when nothing taps) and iterate without copying.

import type { Gauge } from "../stats/stats-store";
import type { ActiveTap } from "./tap";

export interface TapRegistry {
  readonly active: readonly ActiveTap[];
  register(tap: ActiveTap): () => void;
}

/** `activeGauge` (e.g. `tap.active`) mirrors the number of registered taps for the admin API. */
export function createTapRegistry(activeGauge?: Gauge): TapRegistry {
  const registry = {
    active: [] as readonly ActiveTap[],
    register(tap: ActiveTap) {
      registry.active = [...registry.active, tap];
      if (activeGauge) activeGauge.value = registry.active.length;
      let registered = true;
      return () => {
        if (!registered) return;
        registered = false;
        registry.active = registry.active.filter((t) => t !== tap);
        if (activeGauge) activeGauge.value = registry.active.length;
      };
    },
  };
  return registry;
}
