// Compiled route table: virtual hosts looked up by authority (exact, `*.suffix`, `prefix.*`, then `*`),
// then routes tried in order. Built once per config version; matching allocates nothing.

import type { CompiledCluster } from "../upstream/cluster";

export interface CompiledRoute {
  name: string;
  /** Exactly one of prefix or path is set. */
  prefix: string | undefined;
  path: string | undefined;
  cluster: CompiledCluster;
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

export function findRoute(vh: CompiledVirtualHost, url: string): CompiledRoute | undefined {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  for (const route of vh.routes) {
    if (route.prefix !== undefined ? path.startsWith(route.prefix) : path === route.path) return route;
  }
  return undefined;
}
