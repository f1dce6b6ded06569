// Explains a routing decision: which virtual host a request lands in (and why the others do not: their
// domains), which route it takes, and the first reason each earlier route did not match. The decision itself
// is made by the router's own functions (findVirtualHost, routeMatches) over the compiled matchers, so an
// explanation can never disagree with real routing; the words are worked out afterwards, off the hot path.

import type { IncomingHttpHeaders } from "node:http";
import { conditionInfo } from "./condition-info";
import type { MatchInput } from "./request-matcher";
import {
  findVirtualHost,
  PATH_EXACT,
  PATH_PREFIX,
  PATH_SEPARATED_PREFIX,
  pathMatches,
  routeMatches,
  type CompiledRoute,
  type CompiledRouteTable,
  type CompiledVirtualHost,
} from "./route-table";

export interface ExplainRequest {
  method: string;
  authority: string;
  /** Path, optionally with "?query". */
  path: string;
  /** Header names in any case; pseudo-headers are taken from the fields above. */
  headers?: Readonly<Record<string, string>>;
  scheme?: string;
}

export interface VirtualHostVerdict {
  virtualHost: CompiledVirtualHost;
  domains: readonly string[];
  chosen: boolean;
  /** The most specific of its domains that matches the authority, if any. */
  matchedDomain: string | undefined;
  reason: string;
}

export interface RouteVerdict {
  /** Position in the virtual host's route list. */
  index: number;
  route: CompiledRoute;
  matched: boolean;
  reason: string;
}

export interface RouteExplanation {
  routeConfiguration: string;
  authority: string;
  virtualHost: CompiledVirtualHost | undefined;
  /** Every virtual host of the table, the chosen one first. */
  virtualHosts: VirtualHostVerdict[];
  /** The route taken, if any. */
  route: RouteVerdict | undefined;
  /** The routes tried in order: every earlier one with why it did not match, then the one taken. */
  routes: RouteVerdict[];
  /** One line, e.g. `route "ratings" of virtual host "*:0"` or `no route: ...`. */
  summary: string;
}

const q = (s: string) => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

/** The table's virtual hosts with their domains as configured (lower-cased), in lookup order. */
export function virtualHostsOf(table: CompiledRouteTable): { virtualHost: CompiledVirtualHost; domains: string[] }[] {
  const byHost = new Map<CompiledVirtualHost, string[]>();
  const add = (vh: CompiledVirtualHost, d: string) => {
    const list = byHost.get(vh);
    if (list) list.push(d);
    else byHost.set(vh, [d]);
  };
  for (const [d, vh] of table.exact) add(vh, d);
  for (const [s, vh] of table.suffixes) add(vh, `*${s}`);
  for (const [p, vh] of table.prefixes) add(vh, `${p}*`);
  if (table.wildcard) add(table.wildcard, "*");
  return [...byHost].map(([virtualHost, domains]) => ({ virtualHost, domains }));
}

/** The route's match in words: path condition, then header/query conditions, then the runtime fraction. */
export function describeRouteMatch(route: CompiledRoute): string[] {
  const out = [pathCondition(route)];
  for (const c of route.conditions) out.push(conditionInfo(c)?.label ?? "condition");
  if (route.fraction < 1) out.push(`runtime fraction ${percent(route.fraction)}`);
  return out;
}

export function explainRoute(table: CompiledRouteTable, request: ExplainRequest): RouteExplanation {
  const input = matchInputFor(request);
  const virtualHost = findVirtualHost(table, input.authority);
  const virtualHosts = virtualHostVerdicts(table, input.authority, virtualHost);
  const base = { routeConfiguration: table.name, authority: input.authority, virtualHost, virtualHosts };
  if (!virtualHost) {
    return { ...base, route: undefined, routes: [], summary: `no route: no virtual host of route configuration ${q(table.name)} matches authority ${q(input.authority)}` };
  }
  const routes: RouteVerdict[] = [];
  for (let index = 0; index < virtualHost.routes.length; index++) {
    const route = virtualHost.routes[index]!;
    // The router's own test, random draw included: whatever it decides is what is explained.
    if (routeMatches(route, input)) {
      const verdict = { index, route, matched: true, reason: whyMatched(route, input) };
      routes.push(verdict);
      return { ...base, route: verdict, routes, summary: `route ${q(route.name)} of virtual host ${q(virtualHost.name)}` };
    }
    routes.push({ index, route, matched: false, reason: whyNot(route, input) });
  }
  const url = input.query ? `${input.path}?${input.query}` : input.path;
  return { ...base, route: undefined, routes, summary: `no route: none of the ${routes.length} routes of virtual host ${q(virtualHost.name)} matches ${input.method} ${url}` };
}

function matchInputFor(r: ExplainRequest): MatchInput {
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    const name = k.toLowerCase();
    if (!name.startsWith(":")) headers[name] = v;
  }
  headers.host = r.authority;
  const qi = r.path.indexOf("?");
  return {
    method: r.method || "GET",
    authority: r.authority,
    path: qi === -1 ? r.path : r.path.slice(0, qi),
    query: qi === -1 ? "" : r.path.slice(qi + 1),
    scheme: r.scheme ?? "http",
    headers,
  };
}

function percent(f: number): string {
  return `${Number((f * 100).toPrecision(6))}%`;
}

function pathCondition(route: CompiledRoute): string {
  const ci = route.caseSensitive ? "" : " (case-insensitive)";
  switch (route.pathKind) {
    case PATH_PREFIX:
      return `prefix ${q(route.pathValue)}${ci}`;
    case PATH_EXACT:
      return `path ${q(route.pathValue)}${ci}`;
    case PATH_SEPARATED_PREFIX:
      return `path_separated_prefix ${q(route.pathValue)}${ci}`;
    default: {
      return `regex ${q(route.pathRegex?.pattern ?? "")}${ci}`;
    }
  }
}

function observed(value: string | undefined): string {
  return value === undefined ? "absent" : `got ${q(value)}`;
}

function whyNot(route: CompiledRoute, input: MatchInput): string {
  if (!pathMatches(route, input.path)) return `${pathCondition(route)} does not match path ${q(input.path)}`;
  for (const c of route.conditions) {
    if (c(input)) continue;
    const info = conditionInfo(c);
    return info ? `${info.label}: ${observed(info.observe(input))}` : "a match condition does not hold";
  }
  if (route.fraction < 1) return `runtime fraction ${percent(route.fraction)}: not sampled this time`;
  return "did not match";
}

function whyMatched(route: CompiledRoute, input: MatchInput): string {
  const parts = [`${pathCondition(route)} matches path ${q(input.path)}`];
  for (const c of route.conditions) {
    const info = conditionInfo(c);
    if (info) parts.push(`${info.label} (${observed(info.observe(input))})`);
  }
  if (route.fraction < 1) parts.push(`sampled by runtime fraction ${percent(route.fraction)}`);
  return parts.join("; ");
}

/** How a domain matches an authority, in findVirtualHost's order of precedence (lower wins), or undefined. */
function domainRank(domain: string, host: string, bare: string): number | undefined {
  if (domain === "*") return 4;
  if (domain.startsWith("*")) {
    const suffix = domain.slice(1);
    return bare.endsWith(suffix) && bare.length > suffix.length ? 2 : undefined;
  }
  if (domain.endsWith("*")) {
    const prefix = domain.slice(0, -1);
    return bare.startsWith(prefix) && bare.length > prefix.length ? 3 : undefined;
  }
  if (domain === host) return 0;
  return bare !== host && domain === bare ? 1 : undefined;
}

const HOW = ["exact", "exact, without the port", "suffix wildcard", "prefix wildcard", "catch-all"];

function bestDomain(domains: readonly string[], host: string, bare: string): { domain: string; rank: number } | undefined {
  let best: { domain: string; rank: number } | undefined;
  for (const domain of domains) {
    const rank = domainRank(domain, host, bare);
    if (rank === undefined) continue;
    // Within wildcards, the longer suffix or prefix wins, as in the compiled lookup.
    if (!best || rank < best.rank || (rank === best.rank && domain.length > best.domain.length)) best = { domain, rank };
  }
  return best;
}

function virtualHostVerdicts(table: CompiledRouteTable, authority: string, chosen: CompiledVirtualHost | undefined): VirtualHostVerdict[] {
  const host = authority.toLowerCase();
  const colon = host.lastIndexOf(":");
  const bare = colon > 0 && host.indexOf("]") < colon ? host.slice(0, colon) : host;
  const all = virtualHostsOf(table).map(({ virtualHost, domains }) => ({ virtualHost, domains, best: bestDomain(domains, host, bare) }));
  const winner = all.find((v) => v.virtualHost === chosen);
  const verdicts = all.map(({ virtualHost, domains, best }): VirtualHostVerdict => {
    const isChosen = virtualHost === chosen;
    let reason: string;
    if (isChosen) reason = best ? `domain ${q(best.domain)} matches authority ${q(authority)} (${HOW[best.rank]})` : `matches authority ${q(authority)}`;
    else if (!best) reason = `no domain matches authority ${q(authority)} (${listDomains(domains)})`;
    else if (winner?.best) reason = `domain ${q(best.domain)} matches too (${HOW[best.rank]}), but ${q(winner.best.domain)} of virtual host ${q(winner.virtualHost.name)} takes precedence (${HOW[winner.best.rank]})`;
    else reason = `domain ${q(best.domain)} matches (${HOW[best.rank]}), but another virtual host takes precedence`;
    return { virtualHost, domains, chosen: isChosen, matchedDomain: best?.domain, reason };
  });
  return [...verdicts.filter((v) => v.chosen), ...verdicts.filter((v) => !v.chosen)];
}

function listDomains(domains: readonly string[]): string {
  const shown = domains.slice(0, 4).map(q).join(", ");
  return domains.length > 4 ? `domains ${shown} and ${domains.length - 4} more` : `domain${domains.length === 1 ? "" : "s"} ${shown}`;
}
