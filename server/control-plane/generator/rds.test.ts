// RDS translation tests: the sidecar "outbound" virtual hosts and default routes, the gateway's http.PORT,
// and VirtualService http[] features (matches, weights, retries, timeouts, faults, rewrites, redirects,
// direct responses, header operations, consistent-hash hash policies).
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { HeaderValueOption_HeaderAppendAction as AppendAction } from "../../../proto/gen/envoy/config/core/v3/base_pb";
import { RouteConfigurationSchema } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import { RedirectAction_RedirectResponseCode, type Route, type RouteAction } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import { HTTPFaultSchema } from "../../../proto/gen/envoy/extensions/filters/http/fault/v3/fault_pb";
import { FractionalPercent_DenominatorType as Denominator } from "../../../proto/gen/envoy/type/v3/percent_pb";
import type { VirtualService } from "../rules/istio-types";
import { bookinfoContext, byName, gatewayNode, gen, HOSTS, sidecarNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";
import { ISTIO_DEFAULT_RETRY_ON } from "./route-policies";

const g = createGenerator(() => bookinfoContext());
const outbound = () => gen(g, sidecarNode(), "route", RouteConfigurationSchema)[0]!;
const fwd = (r: Route | undefined): RouteAction => {
  if (r?.action.case !== "route") throw new Error(`not a forwarding route: ${r?.action.case}`);
  return r.action.value;
};
const vhost = (host: string) => byName(outbound().virtualHosts, `${host}:9080`);

describe("RDS outbound (sidecars)", () => {
  it("has one virtual host per HTTP service port with Istio's domains", () => {
    const rc = outbound();
    expect(rc.name).toBe("outbound");
    expect(rc.virtualHosts.map((v) => v.name)).toEqual([`${HOSTS.details}:9080`, `${HOSTS.greeter}:50051`, `${HOSTS.productpage}:9080`, `${HOSTS.ratings}:9080`, `${HOSTS.reviews}:9080`]);
    expect(vhost(HOSTS.reviews).domains).toEqual([HOSTS.reviews, `${HOSTS.reviews}:9080`, "reviews", "reviews:9080", "reviews.default", "reviews.default:9080"]);
  });

  it("leaves short names out for proxies in other namespaces", () => {
    const rc = gen(g, sidecarNode({ NAMESPACE: "prod" }), "route", RouteConfigurationSchema)[0]!;
    expect(byName(rc.virtualHosts, `${HOSTS.reviews}:9080`).domains).toEqual([HOSTS.reviews, `${HOSTS.reviews}:9080`, "reviews.default", "reviews.default:9080"]);
  });

  it("routes a service without a VirtualService with one default route, no timeout, Istio's default retries", () => {
    const r = vhost(HOSTS.productpage).routes;
    expect(r).toHaveLength(1);
    expect(r[0]!.name).toBe("default");
    expect(r[0]!.match?.pathSpecifier).toEqual({ case: "prefix", value: "/" });
    const a = fwd(r[0]);
    expect(a.clusterSpecifier).toEqual({ case: "cluster", value: `outbound|9080||${HOSTS.productpage}` });
    expect(a.timeout).toMatchObject({ seconds: 0n, nanos: 0 });
    // Istio's default, unfiltered (the same as proxyless clients get).
    expect(a.retryPolicy).toMatchObject({ retryOn: ISTIO_DEFAULT_RETRY_ON, numRetries: 2, retriableStatusCodes: [503] });
    expect(ISTIO_DEFAULT_RETRY_ON).toBe("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes");
  });

  it("translates the reviews VirtualService: header match to v2, then a 50/50 split of v1 and v3", () => {
    const [jason, split] = vhost(HOSTS.reviews).routes;
    expect(jason!.name).toBe("jason");
    expect(jason!.match?.headers[0]).toMatchObject({ name: "end-user", invertMatch: false, headerMatchSpecifier: { case: "stringMatch", value: { matchPattern: { case: "exact", value: "jason" } } } });
    expect(fwd(jason).clusterSpecifier).toEqual({ case: "cluster", value: "outbound|9080|v2|reviews.default.svc.cluster.local" });
    expect(split!.name).toBe("reviews.1");
    const w = fwd(split).clusterSpecifier;
    expect(w.case).toBe("weightedClusters");
    expect(w.case === "weightedClusters" && w.value.clusters.map((c) => [c.name, c.weight])).toEqual([
      [`outbound|9080|v1|${HOSTS.reviews}`, 50],
      [`outbound|9080|v3|${HOSTS.reviews}`, 50],
    ]);
  });

  it("puts fault injection in typed_per_filter_config (MILLION for fractional percents)", () => {
    const r = vhost(HOSTS.ratings).routes[0]!;
    const f = anyUnpack(r.typedPerFilterConfig["envoy.filters.http.fault"]!, HTTPFaultSchema)!;
    expect(f.abort?.errorType).toEqual({ case: "httpStatus", value: 503 });
    expect(f.abort?.percentage).toMatchObject({ numerator: 1000, denominator: Denominator.MILLION });
    expect(f.delay?.faultDelaySecifier.case).toBe("fixedDelay");
    expect(f.delay?.faultDelaySecifier.value).toMatchObject({ seconds: 7n });
    expect(f.delay?.percentage).toMatchObject({ numerator: 10, denominator: Denominator.HUNDRED });
  });

  it("adds the DestinationRule's consistent-hash hash_policy to routes to that service", () => {
    expect(fwd(vhost(HOSTS.ratings).routes[0]).hashPolicy[0]?.policySpecifier).toMatchObject({ case: "header", value: { headerName: "x-user" } });
    expect(fwd(vhost(HOSTS.details).routes[0]).hashPolicy[0]?.policySpecifier).toMatchObject({ case: "connectionProperties", value: { sourceIp: true } });
    expect(fwd(vhost(HOSTS.productpage).routes[0]).hashPolicy).toEqual([]);
  });
});

describe("weights", () => {
  it("drops zero-weight destinations (as Istio does), leaving a plain cluster when one remains", () => {
    const vs: VirtualService = {
      kind: "VirtualService",
      metadata: { name: "r", namespace: "default" },
      spec: { hosts: ["reviews"], http: [{ route: [{ destination: { host: "reviews", subset: "v1" }, weight: 0 }, { destination: { host: "reviews", subset: "v2" }, weight: 100, headers: { request: { set: { "x-v": "2" } } } }] }] },
    };
    const gg = createGenerator(() => bookinfoContext({ virtualServices: [vs] }));
    const r = byName(gen(gg, sidecarNode(), "route", RouteConfigurationSchema)[0]!.virtualHosts, `${HOSTS.reviews}:9080`).routes[0]!;
    expect(fwd(r).clusterSpecifier).toEqual({ case: "cluster", value: `outbound|9080|v2|${HOSTS.reviews}` });
    expect(r.requestHeadersToAdd.map((h) => h.header?.key)).toEqual(["x-v"]);
  });
});

describe("RDS gateway", () => {
  it("has one virtual host per gateway-bound host, one route per match", () => {
    const rc = gen(g, gatewayNode(), "route", RouteConfigurationSchema);
    expect(rc.map((r) => r.name)).toEqual(["http.8080"]);
    const vh = rc[0]!.virtualHosts;
    expect(vh.map((v) => [v.name, v.domains])).toEqual([["*:8080", ["*"]]]);
    expect(vh[0]!.routes.map((r) => r.match?.pathSpecifier)).toEqual([
      { case: "path", value: "/productpage" },
      { case: "prefix", value: "/static" },
      { case: "path", value: "/login" },
      { case: "prefix", value: "/api/v1/products" },
    ]);
    expect(vh[0]!.routes.every((r) => r.name === "bookinfo.0" && fwd(r).clusterSpecifier.value === `outbound|9080||${HOSTS.productpage}`)).toBe(true);
  });

  it("has no virtual hosts when no rule is bound to the gateway, and serves http.N by name", () => {
    const empty = createGenerator(() => bookinfoContext({ virtualServices: [] }));
    expect(gen(empty, gatewayNode(), "route", RouteConfigurationSchema)[0]!.virtualHosts).toEqual([]);
    expect(gen(g, gatewayNode(), "route", RouteConfigurationSchema, ["http.9090", "outbound"]).map((r) => r.name)).toEqual(["http.9090"]);
  });

  it("uses host and host:* domains for named hosts", () => {
    const vs: VirtualService = { kind: "VirtualService", metadata: { name: "ext", namespace: "default" }, spec: { hosts: ["bookinfo.example.com"], gateways: ["gw", "mesh"], http: [{ route: [{ destination: { host: "productpage" } }] }] } };
    const gg = createGenerator(() => bookinfoContext({ virtualServices: [vs] }));
    const vh = gen(gg, gatewayNode(), "route", RouteConfigurationSchema)[0]!.virtualHosts;
    expect(vh.map((v) => v.domains)).toEqual([["bookinfo.example.com", "bookinfo.example.com:*"]]);
    expect(fwd(vh[0]!.routes[0]).clusterSpecifier.value).toBe(`outbound|9080||${HOSTS.productpage}`);
  });
});

describe("VirtualService http[] features", () => {
  const vs: VirtualService = {
    kind: "VirtualService",
    metadata: { name: "features", namespace: "default" },
    spec: {
      hosts: ["details"],
      http: [
        {
          match: [
            { uri: { regex: "/api/v[0-9]+/.*" }, ignoreUriCase: true, method: { exact: "GET" }, authority: { prefix: "details" }, scheme: { exact: "http" } },
            { headers: { "x-a": { prefix: "p" }, "x-b": { regex: "b+" } }, withoutHeaders: { "x-debug": { exact: "1" } }, queryParams: { q: { exact: "1" } } },
          ],
          route: [{ destination: { host: "details" }, headers: { request: { set: { "x-dest": "1" } } } }],
          timeout: "1.5s",
          retries: { attempts: 3, perTryTimeout: "250ms", retryOn: "5xx,503,gateway-error" },
          headers: { request: { set: { "x-set": "s" }, add: { "x-add": "a" }, remove: ["x-rm"] }, response: { set: { "x-resp": "r" }, remove: ["server"] } },
        },
        { match: [{ uri: { prefix: "/old" } }], rewrite: { uri: "/new", authority: "details.internal" }, route: [{ destination: { host: "details" } }], retries: { attempts: 0 } },
        { match: [{ uri: { exact: "/exact" } }], rewrite: { uri: "/other" }, route: [{ destination: { host: "details", port: { number: 9080 } } }] },
        { match: [{ uri: { prefix: "/re" } }], rewrite: { uriRegexRewrite: { match: "^/re/(.*)$", rewrite: "/\\1" } }, route: [{ destination: { host: "details" } }] },
        { name: "moved", match: [{ uri: { exact: "/moved" } }], redirect: { uri: "/new-place", authority: "example.com", redirectCode: 308 } },
        { match: [{ uri: { exact: "/teapot" } }], directResponse: { status: 418, body: { string: "short and stout" } } },
        {
          route: [
            { destination: { host: "reviews", subset: "v1" }, weight: 90, headers: { request: { add: { "x-w": "v1" } }, response: { remove: ["x-r"] } } },
            { destination: { host: "reviews", subset: "v2" }, weight: 10 },
          ],
        },
      ],
    },
  };
  const gg = createGenerator(() => bookinfoContext({ virtualServices: [vs] }));
  const routes = byName(gen(gg, sidecarNode(), "route", RouteConfigurationSchema)[0]!.virtualHosts, `${HOSTS.details}:9080`).routes;

  it("turns each match into a route sharing the action", () => {
    expect(routes.map((r) => r.name)).toEqual(["features.0", "features.0", "features.1", "features.2", "features.3", "moved", "features.5", "features.6"]);
    expect(fwd(routes[0]).clusterSpecifier).toEqual(fwd(routes[1]).clusterSpecifier);
  });

  it("matches uri regex with case_sensitive false, and method/authority/scheme as pseudo-headers", () => {
    const m = routes[0]!.match!;
    expect(m.pathSpecifier).toMatchObject({ case: "safeRegex", value: { regex: "/api/v[0-9]+/.*" } });
    expect(m.caseSensitive).toBe(false);
    expect(m.headers.map((h) => [h.name, h.headerMatchSpecifier.value])).toMatchObject([
      [":method", { matchPattern: { case: "exact", value: "GET" } }],
      [":authority", { matchPattern: { case: "prefix", value: "details" } }],
      [":scheme", { matchPattern: { case: "exact", value: "http" } }],
    ]);
  });

  it("matches headers, withoutHeaders (inverted) and query parameters", () => {
    const m = routes[1]!.match!;
    expect(m.pathSpecifier).toEqual({ case: "prefix", value: "/" });
    expect(m.headers.map((h) => [h.name, h.invertMatch, h.headerMatchSpecifier.value])).toMatchObject([
      ["x-a", false, { matchPattern: { case: "prefix", value: "p" } }],
      ["x-b", false, { matchPattern: { case: "safeRegex", value: { regex: "b+" } } }],
      ["x-debug", true, { matchPattern: { case: "exact", value: "1" } }],
    ]);
    expect(m.queryParameters[0]).toMatchObject({ name: "q", queryParameterMatchSpecifier: { case: "stringMatch", value: { matchPattern: { case: "exact", value: "1" } } } });
  });

  it("sets timeout and retries; numeric retryOn entries become retriable_status_codes", () => {
    const a = fwd(routes[0]);
    expect(a.timeout).toMatchObject({ seconds: 1n, nanos: 500_000_000 });
    expect(a.retryPolicy).toMatchObject({ retryOn: "5xx,gateway-error,retriable-status-codes", numRetries: 3, retriableStatusCodes: [503] });
    expect(a.retryPolicy?.perTryTimeout).toMatchObject({ seconds: 0n, nanos: 250_000_000 });
    expect(fwd(routes[2]).retryPolicy).toBeUndefined();
  });

  it("applies header operations (set overwrites, add appends) and merges a single destination's", () => {
    const r = routes[0]!;
    expect(r.requestHeadersToAdd.map((h) => [h.header?.key, h.header?.value, h.appendAction])).toEqual([
      ["x-set", "s", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD],
      ["x-add", "a", AppendAction.APPEND_IF_EXISTS_OR_ADD],
      ["x-dest", "1", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD],
    ]);
    expect(r.requestHeadersToRemove).toEqual(["x-rm"]);
    expect(r.responseHeadersToAdd.map((h) => h.header?.key)).toEqual(["x-resp"]);
    expect(r.responseHeadersToRemove).toEqual(["server"]);
  });

  it("rewrites: prefix_rewrite for prefix matches, regex_rewrite otherwise, host_rewrite_literal for authority", () => {
    expect(fwd(routes[2])).toMatchObject({ prefixRewrite: "/new", hostRewriteSpecifier: { case: "hostRewriteLiteral", value: "details.internal" } });
    expect(fwd(routes[3]).regexRewrite).toMatchObject({ pattern: { regex: "^.*$" }, substitution: "/other" });
    expect(fwd(routes[4]).regexRewrite).toMatchObject({ pattern: { regex: "^/re/(.*)$" }, substitution: "/\\1" });
  });

  it("translates redirects and direct responses", () => {
    const rd = routes[5]!.action;
    expect(rd.case).toBe("redirect");
    expect(rd.value).toMatchObject({ hostRedirect: "example.com", pathRewriteSpecifier: { case: "pathRedirect", value: "/new-place" }, responseCode: RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT });
    const dr = routes[6]!.action;
    expect(dr.case).toBe("directResponse");
    expect(dr.value).toMatchObject({ status: 418, body: { specifier: { case: "inlineString", value: "short and stout" } } });
  });

  it("puts destination-level headers on weighted cluster entries", () => {
    const w = fwd(routes[7]).clusterSpecifier;
    if (w.case !== "weightedClusters") throw new Error("expected weighted clusters");
    expect(w.value.clusters.map((c) => [c.name, c.weight])).toEqual([
      [`outbound|9080|v1|${HOSTS.reviews}`, 90],
      [`outbound|9080|v2|${HOSTS.reviews}`, 10],
    ]);
    expect(w.value.clusters[0]!.requestHeadersToAdd[0]).toMatchObject({ header: { key: "x-w", value: "v1" }, appendAction: AppendAction.APPEND_IF_EXISTS_OR_ADD });
    expect(w.value.clusters[0]!.responseHeadersToRemove).toEqual(["x-r"]);
    expect(routes[7]!.requestHeadersToAdd).toEqual([]);
  });
});
