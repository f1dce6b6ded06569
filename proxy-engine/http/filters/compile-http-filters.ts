// Builds a connection manager's stream filters from its http_filters list (the router, always last, is
// not a filter object: it is the forward action itself). Unknown filters are refused unless is_optional.

import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { HttpFilter } from "../../../proto/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb";
import type { HTTPFault } from "../../../proto/gen/envoy/extensions/filters/http/fault/v3/fault_pb";
import type { HeaderMutation } from "../../../proto/gen/envoy/extensions/filters/http/header_mutation/v3/header_mutation_pb";
import type { LocalRateLimit } from "../../../proto/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb";
import { collectIssues, ConfigError, type ConfigIssue } from "../../config/config-error";
import { typeRegistry } from "../../config/type-registry";
import type { StatsStore } from "../../stats/stats-store";
import { CORS_TYPE, createCorsFilter } from "./cors/cors-filter";
import { createFaultFilter, FAULT_TYPE } from "./fault/fault-filter";
import { createHeaderMutationFilter, HEADER_MUTATION_TYPE } from "./header-mutation/header-mutation-filter";
import { createLocalRateLimitFilter, LOCAL_RATELIMIT_TYPE } from "./local-ratelimit/local-ratelimit-filter";
import type { StreamFilter } from "./stream-filter";
import type { PolicyFilter } from "../../../proto/gen/meshdash/policy/v1/policy_pb";
import { createPolicyRuntime, type PolicyRuntime } from "../../policy/policy-runtime";
import { createPolicyFilter, POLICY_FILTER_TYPE } from "./policy/policy-filter";

export const ROUTER_TYPE = "envoy.extensions.filters.http.router.v3.Router";
export const ROUTER_FILTER = "envoy.filters.http.router";

export function compileHttpFilters(filters: HttpFilter[], path: string, stats: StatsStore, statPrefix: string, policy?: PolicyRuntime): StreamFilter[] {
  const issues: ConfigIssue[] = [];
  const out: StreamFilter[] = [];
  const isRouter = (f: HttpFilter) => f.name === ROUTER_FILTER || (f.configType.case === "typedConfig" && f.configType.value.typeUrl.endsWith(`/${ROUTER_TYPE}`));
  const last = filters[filters.length - 1];
  if (filters.length > 0 && (filters.filter(isRouter).length !== 1 || !isRouter(last!))) {
    issues.push({ path, message: `${ROUTER_FILTER} must be the last http filter, exactly once` });
  }
  filters.forEach((f, i) => {
    if (isRouter(f)) return;
    const p = `${path}[${i}]`;
    const tc = f.configType.case === "typedConfig" ? f.configType.value : undefined;
    const msg = tc ? anyUnpack(tc, typeRegistry) : undefined;
    const at = `${p}.typed_config`;
    const build: (() => StreamFilter) | undefined =
      msg?.$typeName === FAULT_TYPE
        ? () => createFaultFilter(msg as HTTPFault, at, stats, statPrefix)
        : msg?.$typeName === LOCAL_RATELIMIT_TYPE
          ? () => createLocalRateLimitFilter(msg as LocalRateLimit, at, stats)
          : msg?.$typeName === HEADER_MUTATION_TYPE
            ? () => createHeaderMutationFilter(msg as HeaderMutation, at)
            : msg?.$typeName === CORS_TYPE
              ? createCorsFilter
              : msg?.$typeName === POLICY_FILTER_TYPE
                ? () => createPolicyFilter(msg as PolicyFilter, at, (policy ??= createPolicyRuntime({ proxyId: "" })))
                : undefined;
    if (build) {
      const filter = collectIssues(issues, build);
      if (filter) out.push(filter);
    } else if (!f.isOptional) issues.push({ path: p, message: `http filter "${f.name}"${tc ? ` (${tc.typeUrl})` : ""} is not supported yet (mark it is_optional to skip it)` });
  });
  if (issues.length) throw new ConfigError(issues);
  return out;
}
