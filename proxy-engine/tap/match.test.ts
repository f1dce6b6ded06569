// The tap Match compiler: http, tcp and label predicates, all/any/not, three-valued labels, field-path errors.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MatchSchema, Scheme, type Match } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { compileTapMatch, TapMatchError } from "./match";
import type { TapRequestInfo } from "./tap-request";

const info: TapRequestInfo = {
  method: "GET",
  scheme: "http",
  authority: "Reviews.default:9080",
  path: "/reviews/1",
  sourceIp: "10.0.0.7",
  sourcePort: 51000,
  destinationIp: "127.0.0.1",
  destinationPort: 8080,
  destinationLabels: { app: "reviews" },
  routeLabels: undefined,
};

const m = (init: Parameters<typeof create<typeof MatchSchema>>[1]): Match => create(MatchSchema, init);
const http = (value: object) => m({ match: { case: "http", value: { match: value as never } } });

describe("compileTapMatch", () => {
  it("matches everything when empty", () => {
    expect(compileTapMatch(undefined)(info)).toBe(true);
  });

  it("matches method, scheme, authority (case-insensitive) and path prefix", () => {
    expect(compileTapMatch(http({ case: "method", value: "get" }))(info)).toBe(true);
    expect(compileTapMatch(http({ case: "method", value: "POST" }))(info)).toBe(false);
    expect(compileTapMatch(http({ case: "scheme", value: Scheme.HTTP }))(info)).toBe(true);
    expect(compileTapMatch(http({ case: "authority", value: { match: { case: "prefix", value: "reviews." } } }))(info)).toBe(true);
    expect(compileTapMatch(http({ case: "path", value: { match: { case: "prefix", value: "/reviews" } } }))(info)).toBe(true);
    expect(compileTapMatch(http({ case: "path", value: { match: { case: "exact", value: "/reviews" } } }))(info)).toBe(false);
  });

  it("combines with all, any and not", () => {
    const get = http({ case: "method", value: "GET" });
    const post = http({ case: "method", value: "POST" });
    expect(compileTapMatch(m({ match: { case: "all", value: { matches: [get, post] } } }))(info)).toBe(false);
    expect(compileTapMatch(m({ match: { case: "any", value: { matches: [get, post] } } }))(info)).toBe(true);
    expect(compileTapMatch(m({ match: { case: "not", value: post } }))(info)).toBe(true);
  });

  it("matches source netmask, destination ports and labels", () => {
    const src = m({ match: { case: "source", value: { match: { case: "netmask", value: { ip: "10.0.0.0", mask: 8 } } } } });
    const dst = m({ match: { case: "destination", value: { match: { case: "ports", value: { min: 8000, max: 8100 } } } } });
    const lbl = m({ match: { case: "destinationLabel", value: { key: "app", value: "reviews" } } });
    expect(compileTapMatch(src)(info)).toBe(true);
    expect(compileTapMatch(src)({ ...info, sourceIp: "192.168.1.1" })).toBe(false);
    expect(compileTapMatch(dst)(info)).toBe(true);
    expect(compileTapMatch(lbl)(info)).toBe(true);
  });

  it("answers undefined for label predicates until the request is routed, with Kleene all/any/not", () => {
    const routed: TapRequestInfo = { ...info, destinationLabels: { service: "reviews" }, routeLabels: { route: "r1" } };
    const unrouted: TapRequestInfo = { ...info, destinationLabels: undefined, routeLabels: undefined };
    const svc = m({ match: { case: "destinationLabel", value: { key: "service", value: "reviews" } } });
    const route = m({ match: { case: "routeLabel", value: { key: "route", value: "r1" } } });
    const get = http({ case: "method", value: "GET" });
    const post = http({ case: "method", value: "POST" });
    expect(compileTapMatch(svc)(unrouted)).toBeUndefined();
    expect(compileTapMatch(svc)(routed)).toBe(true);
    expect(compileTapMatch(route)(routed)).toBe(true);
    expect(compileTapMatch(route)({ ...routed, routeLabels: {} })).toBe(false);
    expect(compileTapMatch(m({ match: { case: "not", value: svc } }))(unrouted)).toBeUndefined();
    // all: a false operand decides; any: a true operand decides; otherwise unknown stays unknown.
    expect(compileTapMatch(m({ match: { case: "all", value: { matches: [post, svc] } } }))(unrouted)).toBe(false);
    expect(compileTapMatch(m({ match: { case: "all", value: { matches: [get, svc] } } }))(unrouted)).toBeUndefined();
    expect(compileTapMatch(m({ match: { case: "any", value: { matches: [get, svc] } } }))(unrouted)).toBe(true);
    expect(compileTapMatch(m({ match: { case: "any", value: { matches: [post, svc] } } }))(unrouted)).toBeUndefined();
    expect(compileTapMatch(m({ match: { case: "any", value: { matches: [post, svc] } } }))(routed)).toBe(true);
  });

  it("matches destination ports as a single port when max is 0, and IPv4-mapped IPv6 sources", () => {
    const port = m({ match: { case: "destination", value: { match: { case: "ports", value: { min: 8080, max: 0 } } } } });
    expect(compileTapMatch(port)(info)).toBe(true);
    expect(compileTapMatch(port)({ ...info, destinationPort: 8081 })).toBe(false);
    const v6 = m({ match: { case: "source", value: { match: { case: "netmask", value: { ip: "fd00::", mask: 8 } } } } });
    expect(compileTapMatch(v6)({ ...info, sourceIp: "fd12::1" })).toBe(true);
    expect(compileTapMatch(v6)(info)).toBe(false);
  });

  it("rejects invalid matches with the field path", () => {
    const badIp = m({ match: { case: "source", value: { match: { case: "netmask", value: { ip: "nope", mask: 8 } } } } });
    const nested = m({ match: { case: "all", value: { matches: [http({ case: "method", value: "GET" }), badIp] } } });
    expect(() => compileTapMatch(nested)).toThrow(TapMatchError);
    expect(() => compileTapMatch(nested)).toThrow('match.all.matches[1].source.netmask.ip: "nope" is not an IP address');
    const ports = m({ match: { case: "destination", value: { match: { case: "ports", value: { min: 90, max: 80 } } } } });
    expect(() => compileTapMatch(ports)).toThrow("max 80 is below min 90");
    expect(() => compileTapMatch(http({ case: "path", value: { match: { case: undefined } } }))).toThrow("match.http.path: one of exact or prefix is required");
  });
});
