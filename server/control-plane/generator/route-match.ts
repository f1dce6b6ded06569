// VirtualService HTTPMatchRequest → Envoy RouteMatch: uri exact/prefix/regex → path/prefix/safe_regex
// (ignoreUriCase → case_sensitive false), headers and withoutHeaders (invert_match), method, authority and
// scheme as :method/:authority/:scheme header matchers, queryParams → query_parameters.

import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HeaderMatcherSchema, QueryParameterMatcherSchema, RouteMatchSchema } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { StringMatcherSchema } from "../../../proto/gen/envoy/type/matcher/v3/string_pb";
import type { HttpMatchRequest, HttpRoute, StringMatch } from "../rules/istio-types";

type RouteMatchInit = MessageInitShape<typeof RouteMatchSchema>;
type HeaderMatcherInit = MessageInitShape<typeof HeaderMatcherSchema>;
type QueryMatcherInit = MessageInitShape<typeof QueryParameterMatcherSchema>;

/** How the path is matched; rewrite.uri becomes prefix_rewrite only for prefix matches. */
export type PathKind = "prefix" | "exact" | "regex";

export interface TranslatedMatch {
  match: RouteMatchInit;
  pathKind: PathKind;
  /** No conditions at all: matches every request. */
  catchAll: boolean;
}

export function stringMatcher(m: StringMatch): MessageInitShape<typeof StringMatcherSchema> {
  if ("exact" in m) return { matchPattern: { case: "exact", value: m.exact } };
  if ("prefix" in m) return { matchPattern: { case: "prefix", value: m.prefix } };
  return { matchPattern: { case: "safeRegex", value: { regex: m.regex } } };
}

function headerMatcher(name: string, m: StringMatch, invert: boolean): HeaderMatcherInit {
  return { name, headerMatchSpecifier: { case: "stringMatch", value: stringMatcher(m) }, invertMatch: invert };
}

function queryMatcher(name: string, m: StringMatch): QueryMatcherInit {
  return { name, queryParameterMatchSpecifier: { case: "stringMatch", value: stringMatcher(m) } };
}

export const CATCH_ALL: TranslatedMatch = { match: { pathSpecifier: { case: "prefix", value: "/" } }, pathKind: "prefix", catchAll: true };

export function translateMatch(m: HttpMatchRequest): TranslatedMatch {
  const match: RouteMatchInit = {};
  let pathKind: PathKind = "prefix";
  const uri = m.uri;
  if (!uri) match.pathSpecifier = { case: "prefix", value: "/" };
  else if ("exact" in uri) {
    match.pathSpecifier = { case: "path", value: uri.exact };
    pathKind = "exact";
  } else if ("prefix" in uri) match.pathSpecifier = { case: "prefix", value: uri.prefix };
  else {
    match.pathSpecifier = { case: "safeRegex", value: { regex: uri.regex } };
    pathKind = "regex";
  }
  if (m.ignoreUriCase) match.caseSensitive = false;
  const headers: HeaderMatcherInit[] = [];
  if (m.method) headers.push(headerMatcher(":method", m.method, false));
  if (m.authority) headers.push(headerMatcher(":authority", m.authority, false));
  if (m.scheme) headers.push(headerMatcher(":scheme", m.scheme, false));
  for (const [name, v] of Object.entries(m.headers ?? {})) headers.push(headerMatcher(name, v, false));
  for (const [name, v] of Object.entries(m.withoutHeaders ?? {})) headers.push(headerMatcher(name, v, true));
  if (headers.length) match.headers = headers;
  const query = Object.entries(m.queryParams ?? {}).map(([name, v]) => queryMatcher(name, v));
  if (query.length) match.queryParameters = query;
  const catchAll = headers.length === 0 && query.length === 0 && (!uri || ("prefix" in uri && (uri.prefix === "/" || uri.prefix === "")));
  return { match, pathKind, catchAll };
}

/** One RouteMatch per match entry; no entries → one catch-all prefix "/". */
export function translateMatches(http: HttpRoute): TranslatedMatch[] {
  return http.match && http.match.length > 0 ? http.match.map(translateMatch) : [CATCH_ALL];
}
