// Registry of the taps active on one proxy. `active` is replaced, never mutated, so the request path can
// test `active.length !== 0` (its only cost when nothing taps) and iterate without copying.

import type { ActiveTap } from "./tap";

export interface TapRegistry {
  readonly active: readonly ActiveTap[];
  register(tap: ActiveTap): () => void;
}

export function createTapRegistry(): TapRegistry {
  const registry = {
    active: [] as readonly ActiveTap[],
    register(tap: ActiveTap) {
      registry.active = [...registry.active, tap];
      let registered = true;
      return () => {
        if (!registered) return;
        registered = false;
        registry.active = registry.active.filter((t) => t !== tap);
      };
    },
  };
  return registry;
}
