// The tap form's URL round trip, validation and the ObserveRequest it builds.
import { durationMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ProxyDirection, Scheme, type Match } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { advancedFilterCount, DEFAULT_LIMIT, DEFAULT_QUERY, queryFromParams, queryToParams, toObserveRequest, validateQuery, type TapQuery } from "./tap-query";

const q = (over: Partial<TapQuery>): TapQuery => ({ ...DEFAULT_QUERY, ...over });

function allOf(m: Match | undefined): Match[] {
  return m?.match.case === "all" ? m.match.value.matches : [];
}

describe("tap query", () => {
  it("round-trips every field through the URL", () => {
    const full: TapQuery = {
      method: "POST",
      scheme: "https",
      authority: "bookinfo",
      authorityMatch: "exact",
      path: "/reviews",
      pathMatch: "exact",
      source: "10.0.0.0/8",
      sourcePort: "1000-2000",
      destination: "127.0.0.1",
      destinationPort: "9080",
      service: "reviews.default.svc.cluster.local",
      workload: "reviews-v2-0",
      proxy: "sidecar~127.0.0.1~reviews-v2-0.default~default.svc.cluster.local",
      direction: "outbound",
      status: "5xx, 429",
      minLatency: "250ms",
      errorsOnly: true,
      limit: 50,
      maxRps: 20,
      bodyBytes: 4096,
    };
    expect(queryFromParams(queryToParams(full))).toEqual(full);
    expect(queryFromParams(queryToParams(DEFAULT_QUERY))).toEqual(DEFAULT_QUERY);
  });

  it("keeps the original short links working: path, authority, method and limit are prefix matches", () => {
    const old = queryFromParams(new URLSearchParams("path=/reviews&authority=bookinfo&method=get&limit=10"));
    expect(old).toEqual(q({ method: "GET", path: "/reviews", authority: "bookinfo", limit: 10 }));
    expect(queryToParams(q({ path: "/reviews", authority: "bookinfo" })).toString()).toBe("path=%2Freviews&authority=bookinfo");
    expect(queryToParams(q({ limit: DEFAULT_LIMIT })).toString()).toBe("");
  });

  it("validates every field", () => {
    expect(validateQuery(q({ method: "get me", path: "reviews", authority: "a b", limit: 0 }))).toEqual({
      method: "an HTTP method, e.g. GET",
      path: 'must start with "/"',
      authority: "no spaces",
      limit: "a whole number from 1 to 100000",
    });
    expect(validateQuery(queryFromParams(new URLSearchParams("limit=abc"))).limit).toBeDefined();
    const bad = validateQuery(q({ source: "10.0.0.0/33", sourcePort: "99999", destination: "host", destinationPort: "9-1", status: "6xx", minLatency: "fast", maxRps: -1, bodyBytes: 70_000 }));
    expect(Object.keys(bad).sort()).toEqual(["bodyBytes", "destination", "destinationPort", "maxRps", "minLatency", "source", "sourcePort", "status"]);
    expect(validateQuery(q({ source: "fd00::/8", destinationPort: "8000-8999", status: "4xx 503", minLatency: "1.5s", maxRps: 100, bodyBytes: 65_536 }))).toEqual({});
  });

  it("builds an all-of match from the filled fields only", () => {
    const req = toObserveRequest(q({ method: "GET", path: "/x", limit: 5 }));
    expect(req.limit).toBe(5);
    expect(allOf(req.match).map((m) => (m.match.case === "http" ? m.match.value.match.case : ""))).toEqual(["method", "path"]);
    expect(toObserveRequest(q({ limit: 5 })).match).toBeUndefined();
    expect(toObserveRequest(q({})).outcome).toBeUndefined();
    expect(toObserveRequest(q({})).scope).toBeUndefined();
    expect(toObserveRequest(q({})).bodyBytes).toBe(0);
  });

  it("maps exact/prefix, scheme, CIDR and port filters to Linkerd's match tree", () => {
    const req = toObserveRequest(q({ path: "/a", pathMatch: "exact", authority: "x", scheme: "https", source: "10.1.0.0/16", sourcePort: "80", destination: "::1", destinationPort: "1-2" }));
    const ms = allOf(req.match);
    const path = ms.find((m) => m.match.case === "http" && m.match.value.match.case === "path");
    expect(path?.match.case === "http" && path.match.value.match.case === "path" && path.match.value.match.value.match).toEqual({ case: "exact", value: "/a" });
    const auth = ms.find((m) => m.match.case === "http" && m.match.value.match.case === "authority");
    expect(auth?.match.case === "http" && auth.match.value.match.case === "authority" && auth.match.value.match.value.match).toEqual({ case: "prefix", value: "x" });
    const scheme = ms.find((m) => m.match.case === "http" && m.match.value.match.case === "scheme");
    expect(scheme?.match.case === "http" && scheme.match.value.match.value).toBe(Scheme.HTTPS);
    const tcp = ms.filter((m) => m.match.case === "source" || m.match.case === "destination").map((m) => (m.match.case === "source" || m.match.case === "destination" ? [m.match.case, m.match.value.match.case, { ...m.match.value.match.value }] : []));
    expect(tcp).toEqual([
      ["source", "netmask", expect.objectContaining({ ip: "10.1.0.0", mask: 16 })],
      ["source", "ports", expect.objectContaining({ min: 80, max: 0 })],
      ["destination", "netmask", expect.objectContaining({ ip: "::1", mask: 128 })],
      ["destination", "ports", expect.objectContaining({ min: 1, max: 2 })],
    ]);
  });

  it("sets outcome, scope, max RPS and body capture", () => {
    const req = toObserveRequest(q({ status: "5xx 429", minLatency: "1.5s", errorsOnly: true, service: "s", workload: "w", proxy: "p", direction: "inbound", maxRps: 7, bodyBytes: 1024 }));
    expect(req.outcome?.statusClasses).toEqual([5]);
    expect(req.outcome?.statusCodes).toEqual([429]);
    expect(durationMs(req.outcome!.minLatency!)).toBe(1500);
    expect(req.outcome?.errorsOnly).toBe(true);
    expect(req.scope).toMatchObject({ service: "s", workload: "w", proxy: "p", direction: ProxyDirection.INBOUND });
    expect(req.maxRps).toBe(7);
    expect(req.bodyBytes).toBe(1024);
    expect(req.extract?.extract.case).toBe("http");
  });

  it("counts the filters hidden under More filters", () => {
    expect(advancedFilterCount(q({ path: "/x", method: "GET" }))).toBe(0);
    expect(advancedFilterCount(q({ direction: "inbound", bodyBytes: 1024 }))).toBe(2);
  });
});
