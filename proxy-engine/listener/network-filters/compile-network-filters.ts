// Builds a listener's non-terminal network filters from its filter chain (everything before the terminal
// http_connection_manager or tcp_proxy). Unknown filters are refused by name.

import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { Filter } from "../../../proto/gen/envoy/config/listener/v3/listener_components_pb";
import type { ConnectionLimit } from "../../../proto/gen/envoy/extensions/filters/network/connection_limit/v3/connection_limit_pb";
import type { LocalRateLimit } from "../../../proto/gen/envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit_pb";
import { collectIssues, ConfigError, type ConfigIssue } from "../../config/config-error";
import { typeRegistry } from "../../config/type-registry";
import type { StatsStore } from "../../stats/stats-store";
import { CONNECTION_LIMIT_TYPE, createConnectionLimitFilter } from "./connection-limit";
import { createNetworkLocalRateLimitFilter, NETWORK_LOCAL_RATELIMIT_TYPE } from "./local-ratelimit";
import type { NetworkFilter } from "./network-filter";

export function compileNetworkFilters(filters: Filter[], path: string, stats: StatsStore): NetworkFilter[] {
  const issues: ConfigIssue[] = [];
  const out: NetworkFilter[] = [];
  filters.forEach((f, i) => {
    const p = `${path}[${i}]`;
    const tc = f.configType.case === "typedConfig" ? f.configType.value : undefined;
    const msg = tc ? anyUnpack(tc, typeRegistry) : undefined;
    const at = `${p}.typed_config`;
    const build: (() => NetworkFilter) | undefined =
      msg?.$typeName === CONNECTION_LIMIT_TYPE
        ? () => createConnectionLimitFilter(msg as ConnectionLimit, at, stats)
        : msg?.$typeName === NETWORK_LOCAL_RATELIMIT_TYPE
          ? () => createNetworkLocalRateLimitFilter(msg as LocalRateLimit, at, stats)
          : undefined;
    if (!build) return void issues.push({ path: p, message: `network filter "${f.name}"${tc ? ` (${tc.typeUrl})` : ""} is not supported (connection_limit and local_ratelimit are)` });
    const filter = collectIssues(issues, build);
    if (filter) out.push(filter);
  });
  if (issues.length) throw new ConfigError(issues);
  return out;
}
