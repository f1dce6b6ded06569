// envoy.filters.network.local_ratelimit: a token bucket of new connections per listener; a connection that
// finds the bucket empty is closed at once.

import type { LocalRateLimit } from "../../../proto/gen/envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit_pb";
import { LocalRateLimitSchema } from "../../../proto/gen/envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit_pb";
import { ConfigError } from "../../config/config-error";
import { compileTokenBucket } from "../../http/filters/local-ratelimit/local-ratelimit-filter";
import type { StatsStore } from "../../stats/stats-store";
import type { NetworkFilter } from "./network-filter";

export const NETWORK_LOCAL_RATELIMIT_TYPE = LocalRateLimitSchema.typeName;

export function createNetworkLocalRateLimitFilter(cfg: LocalRateLimit, path: string, stats: StatsStore): NetworkFilter {
  if (!cfg.statPrefix) throw new ConfigError([{ path: `${path}.stat_prefix`, message: "is required" }]);
  const bucket = compileTokenBucket(cfg.tokenBucket, path);
  const limited = stats.counter(`${cfg.statPrefix}.local_ratelimit.rate_limited`);
  return {
    name: "envoy.filters.network.local_ratelimit",
    onNewConnection(socket) {
      if (bucket.take(Date.now())) return "continue";
      limited.value++;
      socket.destroy();
      return "stop";
    },
  };
}
