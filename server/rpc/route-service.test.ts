// RouteService against the real demo runtime: the gateway's and a sidecar's route trees (weighted clusters,
// endpoints, versions), live figures computed from per-route stats over a window, ExplainRoute decided by
// the proxy's router, argument errors with their codes, and a sampler that pauses and stops.

import { Code, ConnectError, createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxyRole } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { RouteService, type ProxyRoutes } from "../../proto/gen/meshdash/route/v1/route_pb";
import { startRuntime, type Runtime } from "../runtime/runtime";
import { testRuntimeOptions } from "../test-util/runtime-options";
import { eventually } from "../xds/xds-test-util";
import { createRouteSampler, createRouteService } from "./route-service";

let runtime: Runtime;
let client: Client<typeof RouteService>;
let clock = 1_000_000;
const stopping = new AbortController();
let sampler: ReturnType<typeof createRouteSampler>;

beforeAll(async () => {
  runtime = await startRuntime(testRuntimeOptions());
  // Every demo proxy has every cluster's endpoints (EDS lands shortly after the start).
  await eventually(() => runtime.proxies.every((p) => [...p.config().clusters.values()].every((c) => c.endpoints.length > 0)), "endpoints on every proxy", 10_000);
  // And every HTTP listener has its route table (a listener's RDS may land after the clusters' EDS).
  await eventually(() => runtime.proxies.every((p) => p.config().listeners.every((l) => l.kind !== "http" || (l.hcm.routeTable !== undefined && (l.hcm.routeTable.exact.size > 0 || l.hcm.routeTable.wildcard !== undefined)))), "route tables on every proxy", 10_000);
  // A manual clock and no timer ticks: the test decides when samples are taken.
  const deps = { proxies: () => runtime.proxies, stopping: stopping.signal, now: () => clock, sampleIntervalMs: 3_600_000 };
  sampler = createRouteSampler(deps);
  const impl = createRouteService(deps, sampler);
  client = createClient(RouteService, createRouterTransport(({ service }) => service(RouteService, impl)));
});
afterAll(async () => {
  stopping.abort();
  await runtime?.stop(200);
});

const gatewayId = () => runtime.proxies.find((p) => p.role === "gateway")!.id;
const productpageId = () => runtime.proxies.find((p) => p.id.includes("productpage-v1-0"))!.id;

async function rejected(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}

function routesOf(p: ProxyRoutes, vhost: string) {
  for (const l of p.listeners) for (const vh of l.routeConfiguration?.virtualHosts ?? []) if (vh.name === vhost) return { listener: l, vh };
  throw new Error(`no virtual host ${vhost}; listeners: ${JSON.stringify(p.listeners.map((l) => ({ name: l.name, routes: l.routeConfiguration?.name, pending: l.routeConfiguration?.pending, virtualHosts: l.routeConfiguration?.virtualHosts.map((v) => v.name) })))}`);
}

describe("GetRouteTree", () => {
  it("shows the gateway's listener, route configuration, virtual host, routes and their clusters", async () => {
    const { proxies } = await client.getRouteTree({ proxy: gatewayId() });
    expect(proxies).toHaveLength(1);
    const gw = proxies[0]!;
    expect(gw.role).toBe(ProxyRole.GATEWAY);
    const { listener, vh } = routesOf(gw, "*:0");
    expect(listener.address).toBe(runtime.ingressAddress());
    expect(listener.routeConfiguration).toMatchObject({ name: "http.0", rds: true, pending: false });
    expect(listener.routeConfiguration!.version).toMatch(/^\d+$/);
    expect(vh.domains).toEqual(["*"]);
    expect(vh.routes.map((r) => `${r.index}:${r.name}:${r.match.join(" & ")}:${r.pathPrefix}`)).toEqual([
      '0:productpage:path "/productpage":/productpage',
      '1:productpage:prefix "/static":/static',
      '2:details:prefix "/details":/details',
      '3:reviews:prefix "/reviews":/reviews',
      '4:ratings:prefix "/ratings":/ratings',
    ]);
    const ratings = vh.routes[4]!;
    expect(ratings.action?.action.case).toBe("forward");
    const fwd = ratings.action!.action.value as { clusters: { name: string; weight: number }[]; weighted: boolean };
    expect(fwd.clusters).toEqual([expect.objectContaining({ name: "outbound|9080||ratings.default.svc.cluster.local", weight: 1 })]);
    expect(fwd.weighted).toBe(false);
    const cluster = gw.clusters.find((c) => c.name === "outbound|9080||ratings.default.svc.cluster.local")!;
    expect(cluster).toMatchObject({ found: true, type: "EDS" });
    expect(cluster.endpoints.length).toBe(2);
    expect(cluster.endpoints.every((e) => e.healthy && e.health === "healthy" && /:\d+$/.test(e.address))).toBe(true);
  });

  it("shows the reviews split 50/30/20 on productpage's sidecar, with each subset's endpoints, and every proxy when asked", async () => {
    const { proxies } = await client.getRouteTree({ proxy: productpageId() });
    const { listener, vh } = routesOf(proxies[0]!, "reviews.default.svc.cluster.local:9080");
    expect(listener.routeConfiguration!.name).toBe("outbound");
    expect(vh.domains).toContain("reviews:9080");
    const split = vh.routes[0]!;
    expect(split.name).toBe("reviews-split");
    const fwd = split.action!.action.value as { clusters: { name: string; weight: number }[]; weighted: boolean; totalWeight: number; timeoutMs: number };
    expect(fwd).toMatchObject({ weighted: true, totalWeight: 100, timeoutMs: 3000 });
    expect(fwd.clusters.map((c) => `${c.name}=${c.weight}`)).toEqual([
      "outbound|9080|v1|reviews.default.svc.cluster.local=50",
      "outbound|9080|v2|reviews.default.svc.cluster.local=30",
      "outbound|9080|v3|reviews.default.svc.cluster.local=20",
    ]);
    for (const c of fwd.clusters) expect(proxies[0]!.clusters.find((x) => x.name === c.name)!.endpoints.length).toBe(1);
    const retry = routesOf(proxies[0]!, "ratings.default.svc.cluster.local:9080").vh.routes[0]!.action!.action.value as { retryPolicy: { numRetries: number; retryOn: string[]; perTryTimeoutMs: number } };
    expect(retry.retryPolicy).toMatchObject({ numRetries: 2, perTryTimeoutMs: 1000 });
    expect(retry.retryPolicy.retryOn).toContain("5xx");
    const all = await client.getRouteTree({});
    expect(all.proxies.map((p) => p.id).sort()).toEqual(runtime.proxies.map((p) => p.id).sort());
  });

  it("computes RPS, success rate and p99 per route from the stats that moved in the window", async () => {
    clock += 60_000;
    sampler.sample();
    const before = (await client.getRouteTree({ proxy: gatewayId() })).proxies[0]!;
    const detailsBefore = routesOf(before, "*:0").vh.routes[2]!.figures!;
    const ratingsBeforeTotal = routesOf(before, "*:0").vh.routes[4]!.figures!.total;
    const get = async (path: string) => {
      const r = await fetch(`http://${runtime.ingressAddress()}${path}`);
      await r.text();
      return r.status;
    };
    for (let i = 1; i <= 20; i++) expect(await get(`/details/${i}`)).toBe(200);
    // ratings fails about one request in twelve on purpose (the gateway route has no retries).
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await get(`/ratings/${i}`));
    // Stream-end stats land as each response closes.
    const gwStats = () => {
      const l = runtime.proxies.find((p) => p.role === "gateway")!.config().listeners[0]!;
      return l.kind === "http" ? l.hcm.routeTable!.wildcard!.routes : [];
    };
    await eventually(() => gwStats()[4]!.stats!.upstream_rq_total.value - Number(ratingsBeforeTotal) === 8 && gwStats()[2]!.stats!.upstream_rq_total.value - Number(detailsBefore.total) === 20, "route stats of every request");
    clock += 2000;
    const res = await client.getRouteTree({ proxy: gatewayId() });
    const routes = routesOf(res.proxies[0]!, "*:0").vh.routes;
    const details = routes[2]!.figures!;
    // 20 requests in the last 10 s (the counters had not moved for a minute before).
    expect(Number(details.requests)).toBe(20);
    expect(details.rps).toBeCloseTo(2, 5);
    expect(details.successRate).toBe(1);
    expect(details.p99Ms).toBeGreaterThan(0);
    expect(Number(details.total)).toBe(Number(detailsBefore.total) + 20);
    const ratings = routes[4]!.figures!;
    expect(ratings.rps).toBeCloseTo(0.8, 5);
    expect(ratings.successRate).toBeCloseTo(statuses.filter((s) => s < 500).length / 8, 5);
    expect(Number(routes[3]!.figures!.requests)).toBe(0);
    // Ten seconds later the window has moved past those requests (the last sample is the new baseline).
    sampler.sample();
    clock += 10_001;
    sampler.sample();
    const later = routesOf((await client.getRouteTree({ proxy: gatewayId() })).proxies[0]!, "*:0").vh.routes[2]!.figures!;
    expect(Number(later.requests)).toBe(0);
    expect(later.rps).toBe(0);
  });

  it("counts 5xx against the success rate, and measures a young window by its own length", () => {
    const fresh = createRouteSampler({ proxies: () => runtime.proxies, stopping: stopping.signal, now: () => clock, sampleIntervalMs: 3_600_000 });
    fresh.touch();
    const listener = runtime.proxies.find((p) => p.role === "gateway")!.config().listeners[0]!;
    const stats = (listener.kind === "http" ? listener.hcm.routeTable!.wildcard! : undefined)!.routes[3]!.stats!;
    clock += 2000;
    stats.upstream_rq_total.value += 4;
    stats.upstream_rq_5xx.value += 1;
    for (const ms of [3, 3, 3, 700]) stats.upstream_rq_time.record(ms);
    const f = fresh.figures(stats);
    expect(f).toMatchObject({ requests: 4, rps: 2, successRate: 0.75 });
    expect(f.p99Ms).toBeGreaterThan(500);
    expect(f.p99Ms).toBeLessThanOrEqual(1000);
    fresh.stop();
  });

  it("refuses an unknown proxy with NOT_FOUND", async () => {
    const e = await rejected(client.getRouteTree({ proxy: "nope" }));
    expect(e.code).toBe(Code.NotFound);
    expect(e.rawMessage).toContain('no proxy "nope"');
  });
});

describe("ExplainRoute", () => {
  it("explains GET /ratings/1 at the gateway: the ratings route, and why productpage, details and reviews did not match", async () => {
    const { listeners } = await client.explainRoute({ proxy: gatewayId(), method: "GET", authority: "bookinfo.example.com", path: "/ratings/1" });
    expect(listeners).toHaveLength(1);
    const e = listeners[0]!;
    expect(e).toMatchObject({ routeConfiguration: "http.0", virtualHost: "*:0", summary: 'route "ratings" of virtual host "*:0"' });
    expect(e.route).toMatchObject({ index: 4, name: "ratings", matched: true });
    expect(e.routes.map((r) => `${r.name}: ${r.reason}`)).toEqual([
      'productpage: path "/productpage" does not match path "/ratings/1"',
      'productpage: prefix "/static" does not match path "/ratings/1"',
      'details: prefix "/details" does not match path "/ratings/1"',
      'reviews: prefix "/reviews" does not match path "/ratings/1"',
      'ratings: prefix "/ratings" matches path "/ratings/1"',
    ]);
    expect(e.virtualHosts).toEqual([expect.objectContaining({ name: "*:0", chosen: true, matchedDomain: "*" })]);
  });

  it("explains on every HTTP listener of a sidecar, or on the one asked for, naming the virtual hosts that lost", async () => {
    const all = await client.explainRoute({ proxy: productpageId(), authority: "reviews:9080", path: "/reviews/1", headers: { "end-user": "jason" } });
    expect(all.listeners.map((l) => l.listener).sort()).toEqual(["virtualInbound", "virtualOutbound"]);
    const out = (await client.explainRoute({ proxy: productpageId(), listener: "virtualOutbound", authority: "reviews:9080", path: "/reviews/1" })).listeners[0]!;
    expect(out.virtualHost).toBe("reviews.default.svc.cluster.local:9080");
    expect(out.route?.name).toBe("reviews-split");
    expect(out.virtualHosts[0]).toMatchObject({ chosen: true, matchedDomain: "reviews:9080" });
    expect(out.virtualHosts.find((v) => v.name === "details.default.svc.cluster.local:9080")!.reason).toMatch(/^no domain matches authority "reviews:9080"/);
    const none = (await client.explainRoute({ proxy: productpageId(), listener: "virtualOutbound", authority: "unknown:1", path: "/" })).listeners[0]!;
    expect(none.summary).toBe('no route: no virtual host of route configuration "outbound" matches authority "unknown:1"');
    expect(none.route).toBeUndefined();
  });

  it("refuses bad arguments with INVALID_ARGUMENT or NOT_FOUND, naming the field", async () => {
    const cases: [Parameters<typeof client.explainRoute>[0], Code, string][] = [
      [{ proxy: "", path: "/" }, Code.InvalidArgument, "proxy: required"],
      [{ proxy: gatewayId(), path: "ratings" }, Code.InvalidArgument, 'path: must start with "/"'],
      [{ proxy: gatewayId(), path: "/", method: "GE T" }, Code.InvalidArgument, "method:"],
      [{ proxy: gatewayId(), path: "/", headers: { ":path": "/x" } }, Code.InvalidArgument, "pseudo-headers"],
      [{ proxy: gatewayId(), path: "/", headers: { "bad name": "x" } }, Code.InvalidArgument, "not a valid header name"],
      [{ proxy: "nope", path: "/" }, Code.NotFound, 'no proxy "nope"'],
      [{ proxy: gatewayId(), path: "/", listener: "nope" }, Code.NotFound, 'no listener "nope"'],
    ];
    for (const [req, code, text] of cases) {
      const e = await rejected(client.explainRoute(req));
      expect(e.code, text).toBe(code);
      expect(e.rawMessage).toContain(text);
    }
  });
});

describe("route sampler", () => {
  it("pauses when nobody asks, resumes on demand, and stops for good with the runtime", () => {
    let t = 0;
    const stop = new AbortController();
    const s = createRouteSampler({ proxies: () => runtime.proxies, stopping: stop.signal, now: () => t, sampleIntervalMs: 5 });
    expect(s.touch()).toBe(0);
    t = 4000;
    expect(s.touch()).toBe(4000);
    t = 30_000;
    expect(s.touch()).toBe(10_000);
    stop.abort();
    expect(s.touch()).toBe(0);
  });

  it("pauses its timer after a minute without requests", async () => {
    let t = 0;
    const stop = new AbortController();
    const s = createRouteSampler({ proxies: () => runtime.proxies, stopping: stop.signal, now: () => t, sampleIntervalMs: 5 });
    s.touch();
    t = 61_000;
    await new Promise((r) => setTimeout(r, 30));
    // Paused: the next request starts a fresh window.
    t = 62_000;
    expect(s.touch()).toBe(0);
    stop.abort();
  });
});
