// envoy.filters.network.connection_limit: at most max_connections open at once on the listener; extra
// connections are closed (after `delay`, if set). The count lives in a gauge, so it survives config swaps.

import type { ConnectionLimit } from "../../../proto/gen/envoy/extensions/filters/network/connection_limit/v3/connection_limit_pb";
import { ConnectionLimitSchema } from "../../../proto/gen/envoy/extensions/filters/network/connection_limit/v3/connection_limit_pb";
import { ConfigError } from "../../config/config-error";
import { durationToMs } from "../../router/compile-route-config";
import type { StatsStore } from "../../stats/stats-store";
import type { NetworkFilter } from "./network-filter";

export const CONNECTION_LIMIT_TYPE = ConnectionLimitSchema.typeName;

export function createConnectionLimitFilter(cfg: ConnectionLimit, path: string, stats: StatsStore): NetworkFilter {
  if (!cfg.statPrefix) throw new ConfigError([{ path: `${path}.stat_prefix`, message: "is required" }]);
  const max = cfg.maxConnections === undefined ? 0 : Number(cfg.maxConnections);
  if (max < 1) throw new ConfigError([{ path: `${path}.max_connections`, message: "must be at least 1" }]);
  const delayMs = durationToMs(cfg.delay) ?? 0;
  const active = stats.gauge(`connection_limit.${cfg.statPrefix}.active_connections`);
  const limited = stats.counter(`connection_limit.${cfg.statPrefix}.limited_connections`);
  return {
    name: "envoy.filters.network.connection_limit",
    onNewConnection(socket) {
      if (active.value >= max) {
        limited.value++;
        if (delayMs > 0) {
          const t = setTimeout(() => socket.destroy(), delayMs);
          socket.once("close", () => clearTimeout(t));
        } else socket.destroy();
        return "stop";
      }
      active.value++;
      socket.once("close", () => active.value--);
      return "continue";
    },
  };
}
