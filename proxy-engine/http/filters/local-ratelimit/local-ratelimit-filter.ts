// envoy.filters.http.local_ratelimit: a token bucket per filter instance (per listener); requests over the
// limit get 429 (or the configured status) with flag RL, unless the filter is only enabled, not enforced.

import type { LocalRateLimit } from "../../../../proto/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb";
import { LocalRateLimitSchema } from "../../../../proto/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb";
import type { TokenBucket as TokenBucketConfig } from "../../../../proto/gen/envoy/type/v3/token_bucket_pb";
import { ConfigError } from "../../../config/config-error";
import { durationToMs } from "../../../router/compile-route-config";
import { fractionOf } from "../../../router/request-matcher";
import type { StatsStore } from "../../../stats/stats-store";
import { compileHeaderMutation } from "../../header-mutation";
import type { StreamFilter } from "../stream-filter";

export const LOCAL_RATELIMIT_FILTER = "envoy.filters.http.local_ratelimit";
export const LOCAL_RATELIMIT_TYPE = LocalRateLimitSchema.typeName;

export interface TokenBucket {
  take(now: number): boolean;
}

/** Envoy's token bucket: starts full, adds tokens_per_fill every fill_interval, never above max_tokens. */
export function createTokenBucket(maxTokens: number, tokensPerFill: number, fillIntervalMs: number, now: number): TokenBucket {
  let tokens = maxTokens;
  let last = now;
  return {
    take(t) {
      const fills = Math.floor((t - last) / fillIntervalMs);
      if (fills > 0) {
        tokens = Math.min(maxTokens, tokens + fills * tokensPerFill);
        last += fills * fillIntervalMs;
      }
      if (tokens < 1) return false;
      tokens--;
      return true;
    },
  };
}

/** Validates Envoy's token_bucket config and builds the bucket (shared with the network filter). */
export function compileTokenBucket(tb: TokenBucketConfig | undefined, path: string): TokenBucket {
  const fill = durationToMs(tb?.fillInterval) ?? 0;
  if (!tb || tb.maxTokens < 1 || fill < 50) throw new ConfigError([{ path: `${path}.token_bucket`, message: "max_tokens >= 1 and fill_interval >= 50ms are required" }]);
  return createTokenBucket(tb.maxTokens, tb.tokensPerFill ?? 1, fill, Date.now());
}

export function createLocalRateLimitFilter(cfg: LocalRateLimit, path: string, stats: StatsStore): StreamFilter {
  if (!cfg.statPrefix) throw new ConfigError([{ path: `${path}.stat_prefix`, message: "is required" }]);
  const bucket = compileTokenBucket(cfg.tokenBucket, path);
  // Envoy treats a missing filter_enabled / filter_enforced as 0%, for safety: the filter then only counts.
  const enabled = cfg.filterEnabled ? fractionOf(cfg.filterEnabled.defaultValue) : 0;
  const enforced = cfg.filterEnforced ? fractionOf(cfg.filterEnforced.defaultValue) : 0;
  const status = cfg.status?.code || 429;
  const headers = compileHeaderMutation(cfg.responseHeadersToAdd, [], path, "response_headers_to_add", "");
  const prefix = `${cfg.statPrefix}.http_local_rate_limit`;
  const c = { enabled: stats.counter(`${prefix}.enabled`), ok: stats.counter(`${prefix}.ok`), limited: stats.counter(`${prefix}.rate_limited`), enforced: stats.counter(`${prefix}.enforced`) };
  return {
    name: LOCAL_RATELIMIT_FILTER,
    beforeRoute(ctx) {
      if (!(Math.random() < enabled)) return "continue";
      c.enabled.value++;
      if (bucket.take(Date.now())) {
        c.ok.value++;
        return "continue";
      }
      c.limited.value++;
      if (!(Math.random() < enforced)) return "continue";
      c.enforced.value++;
      const extra: Record<string, string> = { "x-envoy-ratelimited": "true" };
      for (const a of headers?.add ?? []) if (typeof a.value === "string") extra[a.name] = a.value;
      ctx.reply(status, "local_rate_limited", "RL", extra);
      return "stop";
    },
  };
}
