// Fuzz (fast-check): the tap match compiler. Mutations of a Match that uses every predicate (as a client's
// JSON would carry it) either decode-fail (the RPC layer rejects those), compile, or fail with a
// TapMatchError naming the field; a compiled predicate answers true, false or "not known yet" for any
// request and never throws. Nesting is bounded, so a deep Match cannot exhaust the stack.

import { fromJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MatchSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { applyMutations, fuzzRuns, mutations, type Json } from "../test-util/json-mutations";
import { compileTapMatch, TapMatchError } from "./match";
import type { TapRequestInfo } from "./tap-request";

const MATCH = {
  any: {
    matches: [
      { all: { matches: [{ source: { netmask: { ip: "10.0.0.0", mask: 8 } } }, { destination: { ports: { min: 80, max: 9090 } } }, { http: { method: "GET" } }] } },
      { not: { http: { path: { prefix: "/health" } } } },
      { http: { authority: { exact: "reviews:9080" } } },
      { http: { scheme: "HTTPS" } },
      { destinationLabel: { key: "app", value: "reviews" } },
      { routeLabel: { key: "route", value: "r1" } },
      { source: { netmask: { ip: "::ffff:127.0.0.1", mask: 128 } } },
    ],
  },
};

const KEYS = ["any", "all", "not", "matches", "source", "destination", "netmask", "ip", "mask", "ports", "min", "max", "http", "method", "authority", "path", "exact", "prefix", "scheme", "destinationLabel", "routeLabel", "key", "value"];
const LEAVES: Json[] = [null, 0, 33, 129, 65536, -1, "", "10.0.0.0", "300.1.1.1", "::1", "fe80::1%eth0", "1.2.3", "HTTP", "HTTPS", "SCHEME_UNSPECIFIED", "/", "*", [], {}, { matches: [] }, { not: {} }];

const info = fc.record({
  method: fc.constantFrom("GET", "POST", ""),
  scheme: fc.constantFrom<"http" | "https">("http", "https"),
  authority: fc.constantFrom("reviews:9080", "", "x"),
  path: fc.constantFrom("/", "/health", "/healthz", ""),
  sourceIp: fc.constantFrom("10.1.2.3", "127.0.0.1", "::1", "", "garbage"),
  sourcePort: fc.integer({ min: 0, max: 70000 }),
  destinationIp: fc.constantFrom("10.0.0.1", "::ffff:10.0.0.1", ""),
  destinationPort: fc.integer({ min: 0, max: 70000 }),
  destinationLabels: fc.option(fc.dictionary(fc.constantFrom("app", "version"), fc.constantFrom("reviews", "v1")), { nil: undefined }),
  routeLabels: fc.option(fc.dictionary(fc.constantFrom("route", "virtual_host"), fc.constantFrom("r1", "vh")), { nil: undefined }),
}) as fc.Arbitrary<TapRequestInfo>;

describe("fuzz: tap match compiler", () => {
  it("compiles or names the bad field; compiled predicates never throw", () => {
    let compiled = 0;
    fc.assert(
      fc.property(mutations(KEYS, LEAVES), fc.array(info, { minLength: 1, maxLength: 4 }), (ms, infos) => {
        let match;
        try {
          match = fromJson(MatchSchema, applyMutations(MATCH, ms) as never);
        } catch {
          return; // not a Match at all: the RPC layer answers InvalidArgument before the compiler sees it
        }
        let predicate;
        try {
          predicate = compileTapMatch(match);
        } catch (e) {
          if (!(e instanceof TapMatchError)) throw e;
          expect(e.path).toMatch(/^match/);
          return;
        }
        compiled++;
        for (const i of infos) expect([true, false, undefined]).toContain(predicate(i));
      }),
      fuzzRuns(500),
    );
    expect(compiled).toBeGreaterThan(0);
  });

  it("refuses nesting deeper than its bound instead of recursing without end", () => {
    let deep: object = { http: { method: "GET" } };
    for (let i = 0; i < 40; i++) deep = { not: deep }; // protobuf-es decodes up to 100 levels; the compiler stops at 32
    expect(() => compileTapMatch(fromJson(MatchSchema, deep as never))).toThrow(TapMatchError);
  });
});
