// What a compiled route condition (header, query parameter or gRPC matcher) tests, in words, and how to read
// the value it looked at. Recorded once at compile time beside the predicate, never read on the request path;
// route explanations and the route tree use it.

import type { HeaderMatcher, QueryParameterMatcher } from "../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { StringMatcher } from "../../proto/gen/envoy/type/matcher/v3/string_pb";
import { isSecretHeader, REDACTED } from "../tap/redact";
import type { MatchInput, RequestPredicate } from "./request-matcher";

export interface ConditionInfo {
  kind: "header" | "query" | "grpc";
  /** e.g. `header "end-user" exact "jason"`; values of secret headers (Authorization, Cookie) are redacted. */
  label: string;
  /** The value the condition looked at (undefined when absent; redacted for secret headers). */
  observe(input: MatchInput): string | undefined;
}

const infos = new WeakMap<RequestPredicate, ConditionInfo>();

/** Records what `p` tests; returns `p` unchanged (same function, same cost when matching). */
export function withConditionInfo(p: RequestPredicate, info: ConditionInfo): RequestPredicate {
  infos.set(p, info);
  return p;
}

export function conditionInfo(p: RequestPredicate): ConditionInfo | undefined {
  return infos.get(p);
}

const quote = (s: string) => JSON.stringify(s);

/** The header's value as an explanation may show it. */
export function shownHeaderValue(name: string, value: string | undefined): string | undefined {
  return value !== undefined && isSecretHeader(name) ? REDACTED : value;
}

/** `value` quotes the configured value (or hides it, for secret headers). */
export function describeStringMatcher(m: StringMatcher, value: (s: string) => string = quote): string {
  const p = m.matchPattern;
  const ic = m.ignoreCase ? " (ignore case)" : "";
  switch (p.case) {
    case "exact":
    case "prefix":
    case "suffix":
    case "contains":
      return `${p.case} ${value(p.value)}${ic}`;
    case "safeRegex":
      return `regex ${value(p.value.regex)}${ic}`;
    default:
      return "matches";
  }
}

export function describeHeaderMatcher(h: HeaderMatcher): string {
  const spec = h.headerMatchSpecifier;
  const v = isSecretHeader(h.name) ? () => REDACTED : quote;
  let test: string;
  switch (spec.case) {
    case "exactMatch":
      test = `exact ${v(spec.value)}`;
      break;
    case "prefixMatch":
      test = `prefix ${v(spec.value)}`;
      break;
    case "suffixMatch":
      test = `suffix ${v(spec.value)}`;
      break;
    case "containsMatch":
      test = `contains ${v(spec.value)}`;
      break;
    case "safeRegexMatch":
      test = `regex ${v(spec.value.regex)}`;
      break;
    case "stringMatch":
      test = describeStringMatcher(spec.value, v);
      break;
    case "rangeMatch":
      test = `in [${spec.value.start}, ${spec.value.end})`;
      break;
    case "presentMatch":
      test = spec.value ? "present" : "absent";
      break;
    default:
      test = "present";
  }
  const missing = h.treatMissingHeaderAsEmpty ? " (missing as empty)" : "";
  return `header ${quote(h.name.toLowerCase())} ${h.invertMatch ? "not " : ""}${test}${missing}`;
}

export function describeQueryMatcher(m: QueryParameterMatcher): string {
  const spec = m.queryParameterMatchSpecifier;
  const test = spec.case === "stringMatch" ? describeStringMatcher(spec.value) : spec.case === "presentMatch" && !spec.value ? "absent" : "present";
  return `query parameter ${quote(m.name)} ${test}`;
}
