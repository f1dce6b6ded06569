// Compiles a route's non-path conditions: header matchers (exact, prefix, suffix, contains, regex, present,
// range; invert), query parameter matchers, and runtime_fraction. Pseudo-headers :method, :path,
// :authority and :scheme are matched like Envoy's.

import type { IncomingHttpHeaders } from "node:http";
import type { HeaderMatcher, QueryParameterMatcher } from "../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { FractionalPercent } from "../../proto/gen/envoy/type/v3/percent_pb";
import { FractionalPercent_DenominatorType } from "../../proto/gen/envoy/type/v3/percent_pb";
import { ConfigError } from "../config/config-error";
import { compileStringMatcher, regexOrError, type StringPredicate } from "./string-matcher";
import { describeHeaderMatcher, describeQueryMatcher, shownHeaderValue, withConditionInfo } from "./condition-info";

/** What route matching sees of a request. */
export interface MatchInput {
  method: string;
  authority: string;
  /** Path without the query. */
  path: string;
  /** Raw query string without "?", or "". */
  query: string;
  scheme: string;
  headers: IncomingHttpHeaders;
}

export type RequestPredicate = (input: MatchInput) => boolean;

function headerValue(input: MatchInput, name: string): string | undefined {
  switch (name) {
    case ":method":
      return input.method;
    case ":authority":
    case "host":
      return input.authority;
    case ":path":
      return input.query ? `${input.path}?${input.query}` : input.path;
    case ":scheme":
      return input.scheme;
  }
  const v = input.headers[name];
  if (v === undefined) return undefined;
  // Envoy joins repeated headers with "," for matching.
  return Array.isArray(v) ? v.join(",") : v;
}

export function compileHeaderMatcher(h: HeaderMatcher, path: string): RequestPredicate {
  const name = h.name.toLowerCase();
  if (!name) throw new ConfigError([{ path: `${path}.name`, message: "is required" }]);
  const invert = h.invertMatch;
  const missingAsEmpty = h.treatMissingHeaderAsEmpty;
  let test: (value: string | undefined) => boolean;
  const spec = h.headerMatchSpecifier;
  const present = (p: StringPredicate) => (v: string | undefined) => (v === undefined ? (missingAsEmpty ? p("") : false) : p(v));
  switch (spec.case) {
    case "exactMatch": {
      const want = spec.value;
      test = present((v) => v === want);
      break;
    }
    case "prefixMatch": {
      const want = spec.value;
      test = present((v) => v.startsWith(want));
      break;
    }
    case "suffixMatch": {
      const want = spec.value;
      test = present((v) => v.endsWith(want));
      break;
    }
    case "containsMatch": {
      const want = spec.value;
      test = present((v) => v.includes(want));
      break;
    }
    case "safeRegexMatch": {
      const re = regexOrError(spec.value.regex, `${path}.safe_regex_match.regex`);
      test = present((v) => re.test(v));
      break;
    }
    case "stringMatch":
      test = present(compileStringMatcher(spec.value, `${path}.string_match`));
      break;
    case "rangeMatch": {
      const { start, end } = spec.value;
      if (end <= start) throw new ConfigError([{ path: `${path}.range_match`, message: `end (${end}) must be greater than start (${start})` }]);
      test = present((v) => {
        if (!/^-?\d+$/.test(v)) return false;
        const n = BigInt(v);
        return n >= start && n < end;
      });
      break;
    }
    case "presentMatch": {
      const want = spec.value;
      test = (v) => (v !== undefined) === want;
      break;
    }
    case undefined:
      // No specifier: Envoy treats it as "header present".
      test = (v) => v !== undefined;
      break;
    default:
      throw new ConfigError([{ path, message: `unsupported header match "${(spec as { case?: string }).case}"` }]);
  }
  return withConditionInfo((input) => test(headerValue(input, name)) !== invert, { kind: "header", label: describeHeaderMatcher(h), observe: (input) => shownHeaderValue(name, headerValue(input, name)) });
}

function queryValue(query: string, name: string): string | undefined {
  if (!query) return undefined;
  for (const part of query.split("&")) {
    const eq = part.indexOf("=");
    const k = eq === -1 ? part : part.slice(0, eq);
    if (safeDecode(k) === name) return eq === -1 ? "" : safeDecode(part.slice(eq + 1));
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

export function compileQueryMatcher(q: QueryParameterMatcher, path: string): RequestPredicate {
  if (!q.name) throw new ConfigError([{ path: `${path}.name`, message: "is required" }]);
  const name = q.name;
  const spec = q.queryParameterMatchSpecifier;
  const info = { kind: "query" as const, label: describeQueryMatcher(q), observe: (input: MatchInput) => queryValue(input.query, name) };
  if (spec.case === "stringMatch") {
    const p = compileStringMatcher(spec.value, `${path}.string_match`);
    return withConditionInfo((input) => {
      const v = queryValue(input.query, name);
      return v !== undefined && p(v);
    }, info);
  }
  if (spec.case === "presentMatch") {
    const want = spec.value;
    return withConditionInfo((input) => (queryValue(input.query, name) !== undefined) === want, info);
  }
  return withConditionInfo((input) => queryValue(input.query, name) !== undefined, info);
}

/** runtime_fraction's default_value as a probability in [0, 1]. */
export function fractionOf(f: FractionalPercent | undefined): number {
  if (!f) return 1;
  const denom = f.denominator === FractionalPercent_DenominatorType.TEN_THOUSAND ? 10_000 : f.denominator === FractionalPercent_DenominatorType.MILLION ? 1_000_000 : 100;
  return Math.min(1, f.numerator / denom);
}
