// explainRoute: the virtual host and route it names are always the router's own choice (checked over many
// generated requests, runtime fractions included), and the reasons name the first failing condition.

import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RouteConfigurationSchema } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { typeRegistry } from "../config/type-registry";
import { compileRouteConfig } from "./compile-route-config";
import { describeRouteMatch, explainRoute, virtualHostsOf, type ExplainRequest } from "./explain-route";
import { findRoute, findVirtualHost, type CompiledRouteTable } from "./route-table";

function table(json: object): CompiledRouteTable {
  const rc = fromJson(RouteConfigurationSchema, json as JsonValue, { registry: typeRegistry });
  return compileRouteConfig(rc, "route_config", { knownClusters: undefined });
}

const cluster = (name: string) => ({ cluster: name });

/** The demo gateway's route configuration, as the control plane generates it. */
const gateway = table({
  name: "http.0",
  virtual_hosts: [
    {
      name: "*:0",
      domains: ["*"],
      routes: [
        { name: "productpage", match: { path: "/productpage" }, route: cluster("productpage") },
        { name: "productpage", match: { prefix: "/static" }, route: cluster("productpage") },
        { name: "details", match: { prefix: "/details" }, route: cluster("details") },
        { name: "reviews", match: { prefix: "/reviews" }, route: cluster("reviews") },
        { name: "ratings", match: { prefix: "/ratings" }, route: cluster("ratings") },
      ],
    },
  ],
});

const rich = table({
  name: "outbound",
  virtual_hosts: [
    { name: "reviews", domains: ["reviews", "reviews:9080", "reviews.default.svc.cluster.local"], routes: [
      { name: "jason", match: { prefix: "/", headers: [{ name: "end-user", string_match: { exact: "jason" } }] }, route: cluster("v2") },
      { name: "not-bot", match: { prefix: "/api", headers: [{ name: "user-agent", string_match: { contains: "bot" }, invert_match: true }] }, route: cluster("v1") },
      { name: "debug", match: { prefix: "/q", query_parameters: [{ name: "debug", string_match: { exact: "1" } }] }, route: cluster("v1") },
      { name: "items", match: { safe_regex: { regex: "/items/[0-9]+" } }, route: cluster("v1") },
      { name: "caseless", match: { path: "/CaseLess", case_sensitive: false }, route: cluster("v1") },
      { name: "sep", match: { path_separated_prefix: "/sep" }, route: cluster("v1") },
      { name: "canary", match: { prefix: "/", runtime_fraction: { default_value: { numerator: 25, denominator: "HUNDRED" } } }, route: cluster("v3") },
      { name: "grpc", match: { prefix: "/", grpc: {} }, route: cluster("v1") },
      { name: "range", match: { prefix: "/r", headers: [{ name: "x-n", range_match: { start: 10, end: 20 } }] }, route: cluster("v1") },
      { name: "method", match: { prefix: "/m", headers: [{ name: ":method", string_match: { exact: "DELETE" } }] }, route: cluster("v1") },
      { name: "catch", match: { prefix: "/" }, route: { weighted_clusters: { clusters: [{ name: "v1", weight: 50 }, { name: "v2", weight: 50 }] } } },
    ] },
    { name: "wild-suffix", domains: ["*.example.com"], routes: [{ name: "s", match: { prefix: "/s" }, route: cluster("s") }] },
    { name: "longer-suffix", domains: ["*.api.example.com"], routes: [{ name: "ls", match: { prefix: "/" }, route: cluster("s") }] },
    { name: "wild-prefix", domains: ["internal.*"], routes: [{ name: "p", match: { prefix: "/" }, route: cluster("p") }] },
    { name: "any", domains: ["*"], routes: [{ name: "fallback", match: { prefix: "/x" }, route: cluster("p") }] },
  ],
});

const names = (e: ReturnType<typeof explainRoute>) => e.routes.map((r) => `${r.route.name}:${r.matched ? "match" : r.reason}`);

afterEach(() => vi.restoreAllMocks());

describe("explainRoute", () => {
  it("explains GET /ratings/1 at the gateway: the ratings route, and why each earlier route did not match", () => {
    const e = explainRoute(gateway, { method: "GET", authority: "127.0.0.1:8080", path: "/ratings/1" });
    expect(e.summary).toBe('route "ratings" of virtual host "*:0"');
    expect(e.virtualHost?.name).toBe("*:0");
    expect(e.virtualHosts[0]).toMatchObject({ chosen: true, matchedDomain: "*", reason: 'domain "*" matches authority "127.0.0.1:8080" (catch-all)' });
    expect(e.route?.index).toBe(4);
    expect(e.routes.map((r) => r.reason)).toEqual([
      'path "/productpage" does not match path "/ratings/1"',
      'prefix "/static" does not match path "/ratings/1"',
      'prefix "/details" does not match path "/ratings/1"',
      'prefix "/reviews" does not match path "/ratings/1"',
      'prefix "/ratings" matches path "/ratings/1"',
    ]);
  });

  it("names the first failing header, query, regex, case and separator condition with the value it saw", () => {
    const e = explainRoute(rich, { method: "GET", authority: "reviews:9080", path: "/api/v1", headers: { "End-User": "bob", "User-Agent": "googlebot" } });
    expect(e.virtualHosts[0]!.reason).toBe('domain "reviews:9080" matches authority "reviews:9080" (exact)');
    vi.spyOn(Math, "random").mockReturnValue(0.9);
    const again = explainRoute(rich, { method: "GET", authority: "reviews:9080", path: "/api/v1?x=1", headers: { "User-Agent": "googlebot" } });
    expect(names(again)).toEqual([
      'jason:header "end-user" exact "jason": absent',
      'not-bot:header "user-agent" not contains "bot": got "googlebot"',
      'debug:prefix "/q" does not match path "/api/v1"',
      'items:regex "/items/[0-9]+" does not match path "/api/v1"',
      'caseless:path "/caseless" (case-insensitive) does not match path "/api/v1"',
      'sep:path_separated_prefix "/sep" does not match path "/api/v1"',
      "canary:runtime fraction 25%: not sampled this time",
      'grpc:gRPC (content-type "application/grpc*"): absent',
      'range:prefix "/r" does not match path "/api/v1"',
      'method:prefix "/m" does not match path "/api/v1"',
      "catch:match",
    ]);
    expect(e.routes[0]!.reason).toBe('header "end-user" exact "jason": got "bob"');
    const q = explainRoute(rich, { method: "GET", authority: "reviews", path: "/q?debug=2", headers: { "user-agent": "curl" } });
    expect(q.routes[2]!.reason).toBe('query parameter "debug" exact "1": got "2"');
    const m = explainRoute(rich, { method: "GET", authority: "reviews", path: "/m" });
    expect(m.routes.find((r) => r.route.name === "method")!.reason).toBe('header ":method" exact "DELETE": got "GET"');
    const r = explainRoute(rich, { method: "GET", authority: "reviews", path: "/r", headers: { "x-n": "25" } });
    expect(r.routes.find((x) => x.route.name === "range")!.reason).toBe('header "x-n" in [10, 20): got "25"');
  });

  it("says why a matched route matched, including the runtime fraction draw", () => {
    vi.spyOn(Math, "random").mockReturnValue(0.1);
    const e = explainRoute(rich, { method: "GET", authority: "reviews", path: "/other" });
    expect(e.route?.route.name).toBe("canary");
    expect(e.route?.reason).toBe('prefix "/" matches path "/other"; sampled by runtime fraction 25%');
    const j = explainRoute(rich, { method: "GET", authority: "reviews", path: "/", headers: { "end-user": "jason" } });
    expect(j.route?.reason).toBe('prefix "/" matches path "/"; header "end-user" exact "jason" (got "jason")');
  });

  it("explains virtual host precedence: exact, then the longest *.suffix, then prefix.*, then *", () => {
    const s = explainRoute(rich, { method: "GET", authority: "v1.api.example.com", path: "/s" });
    expect(s.virtualHost?.name).toBe("longer-suffix");
    const byName = new Map(s.virtualHosts.map((v) => [v.virtualHost.name, v.reason]));
    expect(byName.get("longer-suffix")).toBe('domain "*.api.example.com" matches authority "v1.api.example.com" (suffix wildcard)');
    expect(byName.get("wild-suffix")).toBe('domain "*.example.com" matches too (suffix wildcard), but "*.api.example.com" of virtual host "longer-suffix" takes precedence (suffix wildcard)');
    expect(byName.get("any")).toBe('domain "*" matches too (catch-all), but "*.api.example.com" of virtual host "longer-suffix" takes precedence (suffix wildcard)');
    expect(byName.get("reviews")).toBe('no domain matches authority "v1.api.example.com" (domains "reviews", "reviews:9080", "reviews.default.svc.cluster.local")');
    const p = explainRoute(rich, { method: "GET", authority: "internal.corp:81", path: "/" });
    expect(p.virtualHosts[0]).toMatchObject({ chosen: true, matchedDomain: "internal.*" });
    const port = explainRoute(rich, { method: "GET", authority: "Reviews.Default.Svc.Cluster.Local:9080", path: "/" });
    expect(port.virtualHosts[0]!.reason).toContain("(exact, without the port)");
  });

  it("reports no route, with every route's reason, and no virtual host", () => {
    const e = explainRoute(rich, { method: "GET", authority: "elsewhere", path: "/nope" });
    expect(e.virtualHost?.name).toBe("any");
    expect(e.route).toBeUndefined();
    expect(e.summary).toBe('no route: none of the 1 routes of virtual host "any" matches GET /nope');
    const none = explainRoute(gateway, { method: "GET", authority: "x", path: "/nope" });
    expect(none.routes.map((r) => r.matched)).toEqual([false, false, false, false, false]);
    const noHost = explainRoute(table({ name: "t", virtual_hosts: [{ name: "a", domains: ["a"], routes: [] }] }), { method: "GET", authority: "b", path: "/" });
    expect(noHost.virtualHost).toBeUndefined();
    expect(noHost.summary).toBe('no route: no virtual host of route configuration "t" matches authority "b"');
  });

  it("never shows the configured or sent value of a secret header", () => {
    const t = table({ name: "t", virtual_hosts: [{ name: "a", domains: ["*"], routes: [
      { name: "admin", match: { prefix: "/", headers: [{ name: "Authorization", string_match: { exact: "Bearer s3cret" } }] }, route: cluster("a") },
      { name: "rest", match: { prefix: "/" }, route: cluster("a") },
    ] }] });
    const e = explainRoute(t, { method: "GET", authority: "x", path: "/", headers: { authorization: "Bearer other" } });
    expect(e.routes[0]!.reason).toBe('header "authorization" exact [REDACTED]: got "[REDACTED]"');
    expect(describeRouteMatch(e.routes[0]!.route)).toEqual(['prefix "/"', 'header "authorization" exact [REDACTED]']);
  });

  it("describes each route's match and lists virtual hosts with their domains", () => {
    const routes = virtualHostsOf(rich).find((v) => v.virtualHost.name === "reviews")!.virtualHost.routes;
    expect(describeRouteMatch(routes[0]!)).toEqual(['prefix "/"', 'header "end-user" exact "jason"']);
    expect(describeRouteMatch(routes[2]!)).toEqual(['prefix "/q"', 'query parameter "debug" exact "1"']);
    expect(describeRouteMatch(routes[6]!)).toEqual(['prefix "/"', "runtime fraction 25%"]);
    expect(virtualHostsOf(rich).map((v) => `${v.virtualHost.name}=${v.domains.join(",")}`)).toEqual([
      "reviews=reviews,reviews:9080,reviews.default.svc.cluster.local",
      "longer-suffix=*.api.example.com",
      "wild-suffix=*.example.com",
      "wild-prefix=internal.*",
      "any=*",
    ]);
  });

  it("always names the router's own choice (many generated requests, runtime fractions included)", () => {
    const authority = fc.constantFrom("reviews", "reviews:9080", "REVIEWS.default.svc.cluster.local:9080", "a.example.com", "x.api.example.com", "internal.x", "internal.", "other:80", "[::1]:80", "");
    const path = fc.constantFrom("/", "/api", "/api/x", "/q", "/q?debug=1", "/q?debug=0&debug=1", "/items/12", "/items/x", "/caseless", "/CASELESS", "/sep", "/sep/", "/sepx", "/r", "/m", "/s", "/x", "/ratings/1", "/productpage", "/static/a.css");
    const headers = fc.record(
      { "end-user": fc.constantFrom("jason", "bob", "JASON"), "user-agent": fc.constantFrom("curl", "googlebot"), "x-n": fc.constantFrom("5", "10", "19", "20", "abc"), "content-type": fc.constantFrom("application/grpc", "application/json") },
      { requiredKeys: [] },
    );
    const method = fc.constantFrom("GET", "POST", "DELETE");
    fc.assert(
      fc.property(fc.record({ method, authority, path, headers }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (req: ExplainRequest, seed) => {
        for (const t of [rich, gateway]) {
          const rng = () => {
            let s = seed;
            return () => ((s = (s * 48271) % 2147483647) / 2147483647);
          };
          let next = rng();
          const spy = vi.spyOn(Math, "random").mockImplementation(() => next());
          const e = explainRoute(t, req);
          next = rng();
          const qi = req.path.indexOf("?");
          const input = { method: req.method, authority: req.authority, path: qi === -1 ? req.path : req.path.slice(0, qi), query: qi === -1 ? "" : req.path.slice(qi + 1), scheme: "http", headers: { ...req.headers, host: req.authority } };
          const vh = findVirtualHost(t, req.authority);
          const route = vh ? findRoute(vh, input) : undefined;
          spy.mockRestore();
          expect(e.virtualHost).toBe(vh);
          expect(e.route?.route).toBe(route);
          expect(e.routes.every((r, i) => r.matched === (i === e.routes.length - 1 && route !== undefined))).toBe(true);
          expect(e.virtualHosts.filter((v) => v.chosen).map((v) => v.virtualHost)).toEqual(vh ? [vh] : []);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
