// The Routes page's tree as flat rows (listeners → route configurations → virtual hosts → routes →
// weighted clusters → endpoints), so a virtualized list can show thousands of them. Handles expansion,
// search (a match shows its ancestors and everything under it) and each route's link to a Tap filtered
// to its traffic.

import type { Cluster, Endpoint, Listener, ProxyRoutes, Route, RouteConfiguration, VirtualHost } from "../../proto/gen/meshdash/route/v1/route_pb";

interface RowBase {
  key: string;
  depth: number;
  expanded: boolean;
  hasChildren: boolean;
}

export type TreeRow =
  | (RowBase & { kind: "listener"; listener: Listener })
  | (RowBase & { kind: "routeConfiguration"; listener: string; routeConfiguration: RouteConfiguration })
  | (RowBase & { kind: "virtualHost"; listener: string; virtualHost: VirtualHost })
  | (RowBase & { kind: "route"; listener: string; virtualHost: string; route: Route; tapHref: string })
  | (RowBase & { kind: "cluster"; name: string; weight: number; share: number; cluster: Cluster | undefined })
  | (RowBase & { kind: "endpoint"; endpoint: Endpoint })
  | (RowBase & { kind: "note"; text: string });

type Kind = TreeRow["kind"];
type RowData = TreeRow extends infer R ? (R extends TreeRow ? Omit<R, keyof RowBase> : never) : never;

interface TreeNode {
  key: string;
  data: RowData;
  /** Lower-cased text a search looks in. */
  text: string;
  children: TreeNode[];
}

/** Collapsed by default: a cluster's endpoints (a route shows its clusters and their weights). */
const COLLAPSED_BY_DEFAULT: ReadonlySet<Kind> = new Set<Kind>(["cluster"]);

export function isExpanded(key: string, kind: Kind, toggled: ReadonlySet<string>): boolean {
  return COLLAPSED_BY_DEFAULT.has(kind) === toggled.has(key);
}

/** Key of a route row, shared with explanations to mark the route a request takes. */
export const routeKey = (listener: string, virtualHost: string, index: number) => `l:${listener}/vh:${virtualHost}/r:${index}`;

/** A Tap link for a route's traffic: its literal path prefix and the virtual host's authority, when known. */
export function tapHref(route: Route, vh: VirtualHost): string {
  const p = new URLSearchParams();
  if (route.pathPrefix && route.pathPrefix !== "/") p.set("path", route.pathPrefix);
  const authority = authorityPrefix(vh.domains);
  if (authority) p.set("authority", authority);
  const qs = p.toString();
  return qs ? `/tap?${qs}` : "/tap";
}

/** The authority prefix every request of a virtual host starts with: its shortest exact domain, or a prefix.* wildcard's prefix. */
export function authorityPrefix(domains: readonly string[]): string {
  if (domains.includes("*")) return "";
  const exact = domains.filter((d) => !d.includes("*")).sort((a, b) => a.length - b.length);
  if (exact.length) return exact.every((d) => d.startsWith(exact[0]!)) ? exact[0]! : "";
  const prefixes = domains.filter((d) => d.endsWith("*") && !d.startsWith("*"));
  return prefixes.length === 1 ? prefixes[0]!.slice(0, -1) : "";
}

function clusterNodes(base: string, route: Route, clusters: ReadonlyMap<string, Cluster>): TreeNode[] {
  const a = route.action?.action;
  if (a?.case !== "forward") return [];
  const f = a.value;
  if (f.clusterHeader) return [{ key: `${base}/hdr`, data: { kind: "note", text: `cluster named by request header "${f.clusterHeader}"` }, text: f.clusterHeader.toLowerCase(), children: [] }];
  const total = f.totalWeight || f.clusters.length || 1;
  return f.clusters.map((wc) => {
    const cluster = clusters.get(wc.name);
    const key = `${base}/c:${wc.name}`;
    const endpoints = (cluster?.endpoints ?? []).map((e): TreeNode => ({ key: `${key}/e:${e.address}`, data: { kind: "endpoint", endpoint: e }, text: `${e.address} ${e.health}`.toLowerCase(), children: [] }));
    if (cluster?.found && endpoints.length === 0) endpoints.push({ key: `${key}/none`, data: { kind: "note", text: "no endpoints" }, text: "", children: [] });
    return { key, data: { kind: "cluster", name: wc.name, weight: wc.weight, share: wc.weight / total, cluster }, text: wc.name.toLowerCase(), children: endpoints };
  });
}

export function buildTree(p: ProxyRoutes): TreeNode[] {
  const clusters = new Map(p.clusters.map((c) => [c.name, c]));
  return p.listeners.map((l) => {
    const lk = `l:${l.name}`;
    const rc = l.routeConfiguration;
    const vhs = (rc?.virtualHosts ?? []).map((vh): TreeNode => {
      const vk = `${lk}/vh:${vh.name}`;
      const routes = vh.routes.map((r): TreeNode => {
        const rk = routeKey(l.name, vh.name, r.index);
        const f = r.action?.action.case === "forward" ? r.action.action.value : undefined;
        return {
          key: rk,
          data: { kind: "route", listener: l.name, virtualHost: vh.name, route: r, tapHref: tapHref(r, vh) },
          text: [r.name, ...r.match, ...(f?.clusters.map((c) => c.name) ?? [])].join(" ").toLowerCase(),
          children: clusterNodes(rk, r, clusters),
        };
      });
      if (routes.length === 0) routes.push({ key: `${vk}/none`, data: { kind: "note", text: "no routes: every request gets 404 (NR)" }, text: "", children: [] });
      return { key: vk, data: { kind: "virtualHost", listener: l.name, virtualHost: vh }, text: [vh.name, ...vh.domains].join(" ").toLowerCase(), children: routes };
    });
    if (rc?.pending) vhs.push({ key: `${lk}/pending`, data: { kind: "note", text: `waiting for route configuration "${rc.name}" over RDS` }, text: "", children: [] });
    const rcNode: TreeNode = { key: `${lk}/rc`, data: { kind: "routeConfiguration", listener: l.name, routeConfiguration: rc! }, text: (rc?.name ?? "").toLowerCase(), children: vhs };
    return { key: lk, data: { kind: "listener", listener: l }, text: `${l.name} ${l.address}`.toLowerCase(), children: rc ? [rcNode] : [] };
  });
}

/** Rows to show: expanded branches only; with a search, the matches, their ancestors and their subtrees. */
export function flattenTree(nodes: readonly TreeNode[], opts: { toggled: ReadonlySet<string>; search: string }): TreeRow[] {
  const q = opts.search.trim().toLowerCase();
  const memo = new Map<TreeNode, boolean>();
  const containsMatch = (n: TreeNode): boolean => {
    let m = memo.get(n);
    if (m === undefined) {
      m = n.text.includes(q) || n.children.some(containsMatch);
      memo.set(n, m);
    }
    return m;
  };
  const out: TreeRow[] = [];
  const visit = (n: TreeNode, depth: number, inMatch: boolean) => {
    const selfMatch = inMatch || !q || n.text.includes(q);
    if (!selfMatch && !containsMatch(n)) return;
    // A branch opened only to reach a match below stays open whatever its toggle says.
    const expanded = selfMatch ? isExpanded(n.key, n.data.kind, opts.toggled) : true;
    out.push({ ...n.data, key: n.key, depth, expanded, hasChildren: n.children.length > 0 } as TreeRow);
    if (!expanded) return;
    for (const c of n.children) visit(c, depth + 1, selfMatch && !!q);
  };
  for (const n of nodes) visit(n, 0, false);
  return out;
}

/** Toggling a key flips it from its default state. */
export function toggle(toggled: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(toggled);
  if (!next.delete(key)) next.add(key);
  return next;
}

/** Counts for the header line. */
export function treeCounts(p: ProxyRoutes): { listeners: number; virtualHosts: number; routes: number } {
  let virtualHosts = 0;
  let routes = 0;
  for (const l of p.listeners) {
    for (const vh of l.routeConfiguration?.virtualHosts ?? []) {
      virtualHosts++;
      routes += vh.routes.length;
    }
  }
  return { listeners: p.listeners.length, virtualHosts, routes };
}
