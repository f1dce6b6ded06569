import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ProxyRoutesSchema, type ProxyRoutes } from "../../proto/gen/meshdash/route/v1/route_pb";
import { authorityPrefix, buildTree, flattenTree, routeKey, tapHref, toggle, treeCounts, type TreeRow } from "./route-tree";

const fwd = (clusters: [string, number][], weighted = clusters.length > 1) => ({
  action: { case: "forward" as const, value: { clusters: clusters.map(([name, weight]) => ({ name, weight })), weighted, totalWeight: clusters.reduce((n, [, w]) => n + w, 0) } },
});

const sidecar: ProxyRoutes = create(ProxyRoutesSchema, {
  id: "sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local",
  listeners: [
    {
      name: "virtualOutbound",
      address: "127.0.0.1:4000",
      routeConfiguration: {
        name: "outbound",
        version: "2",
        rds: true,
        virtualHosts: [
          { name: "details:9080", domains: ["details", "details:9080"], routes: [{ name: "default", index: 0, match: ['prefix "/"'], pathPrefix: "/", action: fwd([["outbound|9080||details", 1]]) }] },
          {
            name: "reviews:9080",
            domains: ["reviews", "reviews:9080", "reviews.default.svc.cluster.local"],
            routes: [
              { name: "jason", index: 0, match: ['prefix "/"', 'header "end-user" exact "jason"'], pathPrefix: "/", action: fwd([["outbound|9080|v2|reviews", 100]], false) },
              { name: "reviews-split", index: 1, match: ['prefix "/reviews"'], pathPrefix: "/reviews", action: fwd([["outbound|9080|v1|reviews", 50], ["outbound|9080|v2|reviews", 30], ["outbound|9080|v3|reviews", 20]]) },
            ],
          },
        ],
      },
    },
    { name: "waiting", address: "", routeConfiguration: { name: "late", rds: true, pending: true } },
  ],
  clusters: [
    { name: "outbound|9080||details", found: true, type: "EDS", endpoints: [{ address: "127.0.0.1:1", healthy: true, health: "healthy" }] },
    { name: "outbound|9080|v1|reviews", found: true, type: "EDS", endpoints: [{ address: "127.0.0.1:2", healthy: false, health: "/failed_outlier_check" }] },
    { name: "outbound|9080|v2|reviews", found: true, type: "EDS", endpoints: [] },
    { name: "outbound|9080|v3|reviews", found: false },
  ],
});

const show = (rows: TreeRow[]) =>
  rows.map((r) => {
    const label = r.kind === "listener" ? r.listener.name : r.kind === "routeConfiguration" ? r.routeConfiguration.name : r.kind === "virtualHost" ? r.virtualHost.name : r.kind === "route" ? r.route.name : r.kind === "cluster" ? `${r.name}=${Math.round(r.share * 100)}%` : r.kind === "endpoint" ? r.endpoint.address : r.text;
    return `${"  ".repeat(r.depth)}${r.hasChildren ? (r.expanded ? "-" : "+") : " "}${label}`;
  });

describe("route tree", () => {
  const nodes = buildTree(sidecar);

  it("flattens listeners → route configurations → virtual hosts → routes → weighted clusters, endpoints collapsed", () => {
    expect(show(flattenTree(nodes, { toggled: new Set(), search: "" }))).toEqual([
      "-virtualOutbound",
      "  -outbound",
      "    -details:9080",
      "      -default",
      "        +outbound|9080||details=100%",
      "    -reviews:9080",
      "      -jason",
      "        +outbound|9080|v2|reviews=100%",
      "      -reviews-split",
      "        +outbound|9080|v1|reviews=50%",
      "        +outbound|9080|v2|reviews=30%",
      "         outbound|9080|v3|reviews=20%",
      "-waiting",
      "  -late",
      '     waiting for route configuration "late" over RDS',
    ]);
  });

  it("expands and collapses by key", () => {
    let t = toggle(new Set(), "l:virtualOutbound/vh:details:9080");
    t = toggle(t, `${routeKey("virtualOutbound", "reviews:9080", 1)}/c:outbound|9080|v1|reviews`);
    t = toggle(t, `${routeKey("virtualOutbound", "reviews:9080", 1)}/c:outbound|9080|v2|reviews`);
    const rows = show(flattenTree(nodes, { toggled: t, search: "" }));
    expect(rows.slice(2, 12)).toEqual([
      "    +details:9080",
      "    -reviews:9080",
      "      -jason",
      "        +outbound|9080|v2|reviews=100%",
      "      -reviews-split",
      "        -outbound|9080|v1|reviews=50%",
      "           127.0.0.1:2",
      "        -outbound|9080|v2|reviews=30%",
      "           no endpoints",
      "         outbound|9080|v3|reviews=20%",
    ]);
    expect(toggle(toggle(new Set(), "a"), "a").size).toBe(0);
  });

  it("search shows the matches with their ancestors and everything under them, case-insensitively", () => {
    expect(show(flattenTree(nodes, { toggled: new Set(), search: "SPLIT" }))).toEqual([
      "-virtualOutbound",
      "  -outbound",
      "    -reviews:9080",
      "      -reviews-split",
      "        +outbound|9080|v1|reviews=50%",
      "        +outbound|9080|v2|reviews=30%",
      "         outbound|9080|v3|reviews=20%",
    ]);
    // A match below a collapsed branch opens the way to it.
    const collapsed = toggle(new Set(), "l:virtualOutbound");
    expect(show(flattenTree(nodes, { toggled: collapsed, search: "127.0.0.1:2" }))).toEqual([
      "-virtualOutbound",
      "  -outbound",
      "    -reviews:9080",
      "      -reviews-split",
      "        -outbound|9080|v1|reviews=50%",
      "           127.0.0.1:2",
    ]);
    expect(show(flattenTree(nodes, { toggled: new Set(), search: "details.default" }))).toEqual([]);
    expect(flattenTree(nodes, { toggled: new Set(), search: "jason" }).map((r) => r.key)).toContain(routeKey("virtualOutbound", "reviews:9080", 0));
  });

  it("links each route to a Tap of its path prefix and its virtual host's authority", () => {
    const vh = sidecar.listeners[0]!.routeConfiguration!.virtualHosts[1]!;
    expect(tapHref(vh.routes[1]!, vh)).toBe("/tap?path=%2Freviews&authority=reviews");
    expect(tapHref(vh.routes[0]!, vh)).toBe("/tap?authority=reviews");
    expect(authorityPrefix(["*"])).toBe("");
    expect(authorityPrefix(["a.example.com", "b.example.com"])).toBe("");
    expect(authorityPrefix(["internal.*"])).toBe("internal.");
    expect(authorityPrefix(["*.example.com"])).toBe("");
  });

  it("counts listeners, virtual hosts and routes", () => {
    expect(treeCounts(sidecar)).toEqual({ listeners: 2, virtualHosts: 2, routes: 3 });
  });

  it("flattens a virtual host of 5,000 routes quickly", () => {
    const big = create(ProxyRoutesSchema, {
      listeners: [{ name: "l", routeConfiguration: { name: "rc", virtualHosts: [{ name: "vh", domains: ["*"], routes: Array.from({ length: 5000 }, (_, i) => ({ name: `r${i}`, index: i, match: [`prefix "/r${i}"`], pathPrefix: `/r${i}`, action: fwd([[`c${i % 10}`, 1]]) })) }] } }],
    });
    const t0 = performance.now();
    const rows = flattenTree(buildTree(big), { toggled: new Set(), search: "r4999" });
    expect(rows.map((r) => r.kind)).toEqual(["listener", "routeConfiguration", "virtualHost", "route", "cluster"]);
    expect(flattenTree(buildTree(big), { toggled: new Set(), search: "" })).toHaveLength(3 + 10_000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
