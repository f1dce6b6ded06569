// Compiled route table: virtual hosts looked up by authority (exact, `*.suffix`, `prefix.*`, then `*`),
// then routes tried in order. Built once per config version; matching a request allocates nothing beyond
// what its conditions need.

import type { Message } from "@bufbuild/protobuf";
import type { HeaderMutation } from "../http/header-mutation";
import type { Counter, Histogram } from "../stats/stats-store";
import type { MatchInput, RequestPredicate } from "./request-matcher";
import type { RequestHasher } from "./hash-policy";
import type { SafeRegex } from "./safe-regex";

export interface RetryPolicy {
  /** Envoy retry_on conditions, e.g. "5xx", "gateway-error", "reset", "connect-failure". */
  retryOn: ReadonlySet<string>;
  numRetries: number;
  perTryTimeoutMs: number;
  baseIntervalMs: number;
  maxIntervalMs: number;
  retriableStatusCodes: readonly number[];
}

export type ClusterTarget =
  | { kind: "cluster"; name: string }
  | { kind: "weighted"; clusters: { name: string; weight: number }[]; total: number }
  | { kind: "header"; header: string };

export interface ForwardAction {
  kind: "forward";
  target: ClusterTarget;
  prefixRewrite: string | undefined;
  regexRewrite: { re: RegExp; substitution: string } | undefined;
  hostRewrite: string | undefined;
  /** 0 disables the route timeout. */
  timeoutMs: number;
  retry: RetryPolicy | undefined;
  /** The request's hash for RING_HASH and MAGLEV clusters. */
  hashPolicy: RequestHasher | undefined;
}

export interface RedirectAction {
  kind: "redirect";
  status: number;
  scheme: string | undefined;
  host: string | undefined;
  port: number | undefined;
  path: string | undefined;
  prefixRewrite: string | undefined;
  stripQuery: boolean;
}

export interface DirectResponseAction {
  kind: "direct";
  status: number;
  body: Buffer | undefined;
}

export type RouteAction = ForwardAction | RedirectAction | DirectResponseAction;

export const PATH_PREFIX = 0;
export const PATH_EXACT = 1;
export const PATH_REGEX = 2;
export const PATH_SEPARATED_PREFIX = 3;

/** Per-route stats (Envoy's vhost.<vhost>.route.<route>.*), kept for every named route. */
export interface RouteStats {
  upstream_rq_total: Counter;
  upstream_rq_2xx: Counter;
  upstream_rq_3xx: Counter;
  upstream_rq_4xx: Counter;
  upstream_rq_5xx: Counter;
  upstream_rq_time: Histogram;
}

export interface CompiledRoute {
  name: string;
  stats: RouteStats | undefined;
  virtualHost: string;
  pathKind: number;
  /** Lower-cased when !caseSensitive. */
  pathValue: string;
  caseSensitive: boolean;
  pathRegex: SafeRegex | undefined;
  /** Header and query parameter conditions; all must hold. */
  conditions: RequestPredicate[];
  /** runtime_fraction as a probability; 1 means always. */
  fraction: number;
  action: RouteAction;
  /** Mutations in the order they apply: route, virtual host, route configuration. */
  requestHeaders: HeaderMutation[];
  responseHeaders: HeaderMutation[];
  /** typed_per_filter_config by filter name, unpacked; the route's entries override the virtual host's. */
  perFilterConfig: ReadonlyMap<string, Message>;
}

export interface CompiledVirtualHost {
  name: string;
  routes: CompiledRoute[];
}

export interface CompiledRouteTable {
  name: string;
  exact: Map<string, CompiledVirtualHost>;
  /** `*.suffix` domains as [".suffix", vh], longest suffix first. */
  suffixes: [string, CompiledVirtualHost][];
  /** `prefix.*` domains as ["prefix.", vh], longest prefix first. */
  prefixes: [string, CompiledVirtualHost][];
  wildcard: CompiledVirtualHost | undefined;
}

export function findVirtualHost(table: CompiledRouteTable, authority: string): CompiledVirtualHost | undefined {
  const host = authority.toLowerCase();
  const exact = table.exact.get(host);
  if (exact) return exact;
  // Envoy retries without the port when the authority carries one.
  const colon = host.lastIndexOf(":");
  const bare = colon > 0 && host.indexOf("]") < colon ? host.slice(0, colon) : host;
  if (bare !== host) {
    const e = table.exact.get(bare);
    if (e) return e;
  }
  for (const [suffix, vh] of table.suffixes) if (bare.endsWith(suffix) && bare.length > suffix.length) return vh;
  for (const [prefix, vh] of table.prefixes) if (bare.startsWith(prefix) && bare.length > prefix.length) return vh;
  return table.wildcard;
}

export function pathMatches(route: CompiledRoute, path: string): boolean {
  const p = route.caseSensitive ? path : path.toLowerCase();
  switch (route.pathKind) {
    case PATH_PREFIX:
      return p.startsWith(route.pathValue);
    case PATH_EXACT:
      return p === route.pathValue;
    case PATH_SEPARATED_PREFIX:
      return p.startsWith(route.pathValue) && (p.length === route.pathValue.length || p.charCodeAt(route.pathValue.length) === 47 /* / */);
    default:
      return route.pathRegex!.test(path);
  }
}

export function routeMatches(route: CompiledRoute, input: MatchInput): boolean {
  if (!pathMatches(route, input.path)) return false;
  for (const c of route.conditions) if (!c(input)) return false;
  return route.fraction >= 1 || Math.random() < route.fraction;
}

export function findRoute(vh: CompiledVirtualHost, input: MatchInput): CompiledRoute | undefined {
  for (const route of vh.routes) if (routeMatches(route, input)) return route;
  return undefined;
}
