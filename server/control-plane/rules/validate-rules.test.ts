// Rule-set validation against the registry and the other rules: hosts, ports, subsets, conflicts, deletions.

import { describe, expect, it } from "vitest";
import type { Service } from "../registry/registry-types";
import type { DestinationRule, RoutingRule, VirtualService, VirtualServiceSpec } from "./istio-types";
import { rawRuleFromStored } from "./raw-rule-doc";
import { BOOKINFO_DESTINATION_RULES, BOOKINFO_GATEWAY, BOOKINFO_VIRTUAL_SERVICES, bookinfoServices, fakeLookup } from "./test-fixtures";
import { loadRulesYaml, validateDeletion, validateRuleSet } from "./validate-rules";

const lookup = fakeLookup();
const vs = (name: string, spec: VirtualServiceSpec, namespace = "default"): VirtualService => ({ kind: "VirtualService", metadata: { name, namespace }, spec });
const dr = (name: string, host: string, subsets: string[], namespace = "default"): DestinationRule => ({
  kind: "DestinationRule",
  metadata: { name, namespace },
  spec: { host, subsets: subsets.map((s) => ({ name: s, labels: { version: s } })) },
});
const route = (host: string, extra: object = {}): VirtualServiceSpec => ({ hosts: [host], http: [{ route: [{ destination: { host, ...extra } }] }] });
const lines = (errors: { rule?: string; path: string; message: string }[]) => errors.map((e) => `${e.rule}: ${e.path}: ${e.message}`);
const check = (rules: RoutingRule[], existing: RoutingRule[] = [], services = lookup) => lines(validateRuleSet({ rules, lookup: services, existing }).errors);

function bookinfo(): RoutingRule[] {
  const r = loadRulesYaml(`${BOOKINFO_DESTINATION_RULES}---\n${BOOKINFO_VIRTUAL_SERVICES}`, { lookup, existing: [] });
  expect(r.errors).toEqual([]);
  return r.rules;
}

describe("validateRuleSet", () => {
  it("accepts Bookinfo, including the gateway-bound wildcard VirtualService", () => {
    const r = loadRulesYaml(`${BOOKINFO_DESTINATION_RULES}---\n${BOOKINFO_VIRTUAL_SERVICES}---\n${BOOKINFO_GATEWAY}`, { lookup, existing: [] });
    expect(r.errors).toEqual([]);
    expect(r.rules.map((x) => `${x.kind} ${x.metadata.name}`)).toEqual([
      "DestinationRule productpage", "DestinationRule reviews", "DestinationRule ratings", "DestinationRule details",
      "VirtualService reviews", "VirtualService ratings", "VirtualService details", "VirtualService bookinfo",
    ]);
  });

  it("names unknown destination hosts with their resolution and close known hosts", () => {
    expect(check([vs("ratings", { hosts: ["ratings"], http: [{ route: [{ destination: { host: "ratingz" } }] }] })])).toEqual([
      "VirtualService default/ratings: spec.http[0].route[0].destination.host: unknown host \"ratingz\" (resolved as ratingz.default.svc.cluster.local); known hosts: ratings.default.svc.cluster.local, reviews.default.svc.cluster.local, details.default.svc.cluster.local, productpage.default.svc.cluster.local",
    ]);
  });

  it("requires subsets to be defined by a DestinationRule for the host", () => {
    const spec: VirtualServiceSpec = { hosts: ["reviews"], http: [{ route: [{ destination: { host: "reviews", subset: "v1" }, weight: 50 }, { destination: { host: "reviews", subset: "v4" }, weight: 50 }] }] };
    expect(check([vs("reviews", spec)], [dr("reviews", "reviews", ["v1", "v2", "v3"])])).toEqual([
      'VirtualService default/reviews: spec.http[0].route[1].destination.subset: subset "v4" is not defined by any DestinationRule for reviews.default.svc.cluster.local',
    ]);
    expect(check([vs("reviews", spec), dr("reviews", "reviews.default.svc.cluster.local", ["v1", "v4"])])).toEqual([]);
  });

  it("checks destination ports against the service", () => {
    expect(check([vs("reviews", route("reviews", { port: { number: 9090 } }))])).toEqual([
      "VirtualService default/reviews: spec.http[0].route[0].destination.port.number: port 9090 is not a port of reviews.default.svc.cluster.local (ports: 9080)",
    ]);
    const twoPorts: Service[] = bookinfoServices().map((s) => (s.name === "reviews" ? { ...s, ports: [...s.ports, { name: "grpc", port: 9443, protocol: "GRPC" }] } : s));
    expect(check([vs("reviews", route("reviews"))], [], fakeLookup(twoPorts))).toEqual([
      "VirtualService default/reviews: spec.http[0].route[0].destination.port: required because reviews.default.svc.cluster.local has several ports (9080, 9443)",
    ]);
    expect(check([vs("reviews", route("reviews", { port: { number: 9443 } }))], [], fakeLookup(twoPorts))).toEqual([]);
  });

  it("requires DestinationRule hosts and mesh VirtualService hosts to be services; gateway rules may name others", () => {
    expect(check([dr("ratings", "ratingz", [])])).toEqual([
      "DestinationRule default/ratings: spec.host: unknown host \"ratingz\" (resolved as ratingz.default.svc.cluster.local); known hosts: ratings.default.svc.cluster.local, reviews.default.svc.cluster.local, details.default.svc.cluster.local, productpage.default.svc.cluster.local",
    ]);
    const external = { hosts: ["bookinfo.example.com"], http: [{ route: [{ destination: { host: "productpage" } }] }] };
    expect(check([vs("edge", external)])).toEqual([
      "VirtualService default/edge: spec.hosts[0]: unknown host \"bookinfo.example.com\" (resolved as bookinfo.example.com); known hosts: details.default.svc.cluster.local, productpage.default.svc.cluster.local, ratings.default.svc.cluster.local, reviews.default.svc.cluster.local; only rules bound to a gateway may name hosts outside the registry",
    ]);
    expect(check([vs("edge", { ...external, gateways: ["bookinfo-gateway"] })])).toEqual([]);
    expect(check([vs("edge", { ...external, gateways: ["bookinfo-gateway", "mesh"] })])).toEqual([]);
    expect(check([vs("wild", { hosts: ["*.example.com"], http: external.http })])).toEqual([]);
  });

  it("refuses two VirtualServices for one host in the mesh, blaming only the rule being written", () => {
    expect(check([vs("reviews-canary", route("reviews.default.svc.cluster.local"))], bookinfo())).toEqual([
      "VirtualService default/reviews-canary: spec.hosts[0]: host reviews.default.svc.cluster.local is also routed in the mesh by VirtualService default/reviews; Istio would merge these rules unpredictably, so meshdash allows one VirtualService per host",
    ]);
    expect(check([vs("a", route("ratings")), vs("b", route("ratings"))])).toEqual([
      "VirtualService default/a: spec.hosts[0]: host ratings.default.svc.cluster.local is also routed in the mesh by VirtualService default/b; Istio would merge these rules unpredictably, so meshdash allows one VirtualService per host",
      "VirtualService default/b: spec.hosts[0]: host ratings.default.svc.cluster.local is also routed in the mesh by VirtualService default/a; Istio would merge these rules unpredictably, so meshdash allows one VirtualService per host",
    ]);
    // Replacing a rule by name is not a conflict with itself.
    expect(check([vs("reviews", route("reviews", { subset: "v1" }))], bookinfo())).toEqual([]);
  });

  it("refuses two VirtualServices for one host on the same gateway, however the gateway is named", () => {
    const edge = (name: string, gateway: string) => vs(name, { hosts: ["*"], gateways: [gateway], http: [{ route: [{ destination: { host: "productpage" } }] }] });
    expect(check([edge("a", "bookinfo-gateway"), edge("b", "other-gateway")])).toEqual([]);
    expect(check([edge("b", "default/bookinfo-gateway")], [edge("a", "bookinfo-gateway")])).toEqual([
      "VirtualService default/b: spec.hosts[0]: host * is also routed on gateway default/bookinfo-gateway by VirtualService default/a; Istio would merge these rules unpredictably, so meshdash allows one VirtualService per host",
    ]);
  });

  it("refuses two DestinationRules for one host", () => {
    expect(check([dr("reviews-2", "reviews", ["v9"])], bookinfo())).toEqual([
      "DestinationRule default/reviews-2: spec.host: reviews.default.svc.cluster.local already has DestinationRule default/reviews; meshdash allows one DestinationRule per host (Istio would merge them unpredictably)",
    ]);
  });

  it("blames a DestinationRule edit that drops a subset still in use, naming the VirtualService", () => {
    expect(check([dr("reviews", "reviews", ["v1", "v2"])], bookinfo())).toEqual([
      'DestinationRule default/reviews: spec.subsets: subset "v3" is still used by VirtualService default/reviews at spec.http[1].route[1].destination.subset',
    ]);
  });

  it("does not blame a change for problems untouched rules already had", () => {
    const broken = vs("legacy", route("gone"));
    expect(check([dr("ratings", "ratings", ["v1"])], [broken])).toEqual([]);
    expect(check([broken], [broken])).toEqual([
      "VirtualService default/legacy: spec.hosts[0]: unknown host \"gone\" (resolved as gone.default.svc.cluster.local); known hosts: ratings.default.svc.cluster.local, reviews.default.svc.cluster.local, details.default.svc.cluster.local, productpage.default.svc.cluster.local; only rules bound to a gateway may name hosts outside the registry",
      "VirtualService default/legacy: spec.http[0].route[0].destination.host: unknown host \"gone\" (resolved as gone.default.svc.cluster.local); known hosts: ratings.default.svc.cluster.local, reviews.default.svc.cluster.local, details.default.svc.cluster.local, productpage.default.svc.cluster.local",
    ]);
  });

  it("does not pile follow-on subset errors onto a DestinationRule that failed validation", () => {
    const badDr = rawRuleFromStored({ kind: "DestinationRule", namespace: "default", name: "reviews", spec: { host: "reviews", trafficPolicy: {}, subsets: [{ name: "v1", labels: { version: "v1" } }] } });
    expect(check([badDr as unknown as RoutingRule, vs("reviews", route("reviews", { subset: "v1" }))])).toEqual([
      "DestinationRule default/reviews: spec.trafficPolicy: set at least one of loadBalancer, connectionPool or outlierDetection",
    ]);
  });

  it("checks store documents and typed rules like YAML: kind, names, duplicates", () => {
    const r = validateRuleSet({
      rules: [
        rawRuleFromStored({ kind: "Gateway", namespace: "default", name: "gw", spec: {} }),
        rawRuleFromStored({ kind: "VirtualService", namespace: "Prod", name: "x", spec: route("reviews") }),
        vs("reviews", route("reviews")),
        vs("reviews", route("reviews")),
      ],
      lookup,
      existing: [],
    });
    expect(lines(r.errors)).toEqual([
      'Gateway default/gw: kind: "Gateway" is not supported; use VirtualService, DestinationRule, CheckRule or Quota',
      'VirtualService Prod/x: metadata.namespace: invalid namespace "Prod"; use lowercase letters, digits and "-" (a DNS label)',
      "VirtualService default/reviews: metadata.name: VirtualService default/reviews appears more than once in this change",
    ]);
    expect(r.rules).toEqual([vs("reviews", route("reviews"))]);
  });

  it("applies deletions in the same change", () => {
    const rules = bookinfo();
    const r = validateRuleSet({ rules: [dr("reviews-subsets", "reviews", ["v1", "v2", "v3"])], deletes: [{ kind: "DestinationRule", namespace: "default", name: "reviews" }], lookup, existing: rules });
    expect(r.errors).toEqual([]);
  });
});

describe("validateDeletion", () => {
  it("refuses to delete a DestinationRule whose subsets are in use, naming the VirtualService", () => {
    const errors = validateDeletion({ keys: [{ kind: "DestinationRule", namespace: "default", name: "reviews" }], lookup, existing: bookinfo() });
    expect(lines(errors)).toEqual([
      'DestinationRule default/reviews: spec.subsets[1]: cannot delete: subset "v2" is still used by VirtualService default/reviews at spec.http[0].route[0].destination.subset',
      'DestinationRule default/reviews: spec.subsets[0]: cannot delete: subset "v1" is still used by VirtualService default/reviews at spec.http[1].route[0].destination.subset',
      'DestinationRule default/reviews: spec.subsets[2]: cannot delete: subset "v3" is still used by VirtualService default/reviews at spec.http[1].route[1].destination.subset',
    ]);
  });

  it("allows deleting unused rules and VirtualServices; reports rules that do not exist", () => {
    const existing = bookinfo();
    expect(validateDeletion({ keys: [{ kind: "DestinationRule", namespace: "default", name: "productpage" }], lookup, existing })).toEqual([]);
    expect(validateDeletion({ keys: [{ kind: "VirtualService", namespace: "default", name: "reviews" }], lookup, existing })).toEqual([]);
    expect(lines(validateDeletion({ keys: [{ kind: "VirtualService", namespace: "default", name: "nope" }], lookup, existing }))).toEqual(["VirtualService default/nope: : VirtualService default/nope does not exist"]);
  });
});

describe("loadRulesYaml", () => {
  it("points referential errors and warnings at the document and line", () => {
    const text = `${BOOKINFO_DESTINATION_RULES}---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v4\n    mirror:\n      host: reviews\n`;
    const all = text.split("\n");
    const r = loadRulesYaml(text, { lookup, existing: [] });
    expect(r.errors).toEqual([
      {
        path: "spec.http[0].route[0].destination.subset",
        message: 'subset "v4" is not defined by any DestinationRule for reviews.default.svc.cluster.local',
        rule: "VirtualService default/reviews",
        doc: 4,
        line: all.indexOf("        subset: v4") + 1,
      },
    ]);
    expect(r.warnings).toEqual([{ path: "spec.http[0].mirror", message: "not supported by meshdash; ignored", rule: "VirtualService default/reviews", doc: 4, line: all.indexOf("    mirror:") + 1 }]);
  });
});
