// envoy.filters.http.cors: the policy comes from the route's or virtual host's typed_per_filter_config
// (envoy.extensions.filters.http.cors.v3.CorsPolicy). Allowed preflights are answered by the proxy; allowed
// simple requests get the Access-Control-* response headers.

import { CorsPolicySchema, CorsSchema, type CorsPolicy } from "../../../../proto/gen/envoy/extensions/filters/http/cors/v3/cors_pb";
import type { Message } from "@bufbuild/protobuf";
import { compileStringMatcher, type StringPredicate } from "../../../router/string-matcher";
import type { ActiveStream } from "../../active-stream";
import type { StreamFilter } from "../stream-filter";

export const CORS_FILTER = "envoy.filters.http.cors";
export const CORS_TYPE = CorsSchema.typeName;

interface CompiledCors {
  origins: StringPredicate[];
  allowMethods: string;
  allowHeaders: string;
  exposeHeaders: string;
  maxAge: string;
  allowCredentials: boolean;
  forwardNotMatchingPreflights: boolean;
}

// Compiled once per policy message, i.e. once per config version.
const compiled = new WeakMap<CorsPolicy, CompiledCors>();

function compilePolicy(p: CorsPolicy): CompiledCors {
  let c = compiled.get(p);
  if (!c) {
    c = {
      origins: p.allowOriginStringMatch.map((m, i) => compileStringMatcher(m, `typed_per_filter_config.cors.allow_origin_string_match[${i}]`)),
      allowMethods: p.allowMethods,
      allowHeaders: p.allowHeaders,
      exposeHeaders: p.exposeHeaders,
      maxAge: p.maxAge,
      allowCredentials: p.allowCredentials ?? false,
      forwardNotMatchingPreflights: p.forwardNotMatchingPreflights ?? true,
    };
    compiled.set(p, c);
  }
  return c;
}

function policyOf(s: ActiveStream): CompiledCors | undefined {
  const m: Message | undefined = s.route?.perFilterConfig.get(CORS_FILTER);
  return m && m.$typeName === CorsPolicySchema.typeName ? compilePolicy(m as CorsPolicy) : undefined;
}

function originOf(s: ActiveStream): string | undefined {
  const o = s.req.headers.origin;
  return typeof o === "string" && o !== "" ? o : undefined;
}

export function createCorsFilter(): StreamFilter {
  return {
    name: CORS_FILTER,
    afterRoute(ctx) {
      const { s } = ctx;
      const origin = originOf(s);
      const policy = origin ? policyOf(s) : undefined;
      if (!origin || !policy || s.req.method !== "OPTIONS" || !s.req.headers["access-control-request-method"]) return "continue";
      if (!policy.origins.some((m) => m(origin))) return policy.forwardNotMatchingPreflights ? "continue" : (ctx.reply(403, "CORS preflight rejected", ""), "stop");
      const headers: Record<string, string> = { "access-control-allow-origin": origin };
      if (policy.allowMethods) headers["access-control-allow-methods"] = policy.allowMethods;
      if (policy.allowHeaders) headers["access-control-allow-headers"] = policy.allowHeaders;
      if (policy.maxAge) headers["access-control-max-age"] = policy.maxAge;
      if (policy.allowCredentials) headers["access-control-allow-credentials"] = "true";
      ctx.reply(200, undefined, "", headers);
      return "stop";
    },
    onResponseHeaders(s, _status, headers) {
      const origin = originOf(s);
      const policy = origin ? policyOf(s) : undefined;
      if (!origin || !policy || !policy.origins.some((m) => m(origin))) return;
      headers["access-control-allow-origin"] = origin;
      if (policy.exposeHeaders) headers["access-control-expose-headers"] = policy.exposeHeaders;
      if (policy.allowCredentials) headers["access-control-allow-credentials"] = "true";
    },
  };
}
