// VirtualService form ↔ Istio object: the demo rules round-trip unchanged (extras included), and form
// edits produce the YAML Istio expects.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ruleToYaml } from "./rule-yaml";
import { emptyDestination, newVirtualService, virtualServiceFromIstio, virtualServicePaths, virtualServiceToIstio, vsPath, type VirtualServiceForm } from "./virtual-service-form";

const REVIEWS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
  hosts:
    - reviews
  http:
    - name: reviews-split
      route:
        - destination:
            host: reviews
            subset: v1
          weight: 50
        - destination:
            host: reviews
            subset: v2
          weight: 30
        - destination:
            host: reviews
            subset: v3
          weight: 20
      timeout: 3s
`;

const BOOKINFO = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
  namespace: default
spec:
  hosts:
    - "*"
  gateways:
    - bookinfo-gateway
  http:
    - name: productpage
      match:
        - uri:
            exact: /productpage
        - uri:
            prefix: /static
      route:
        - destination:
            host: productpage
            port:
              number: 9080
      timeout: 5s
    - name: ratings
      match:
        - uri:
            prefix: /ratings
          method:
            exact: GET
          headers:
            end-user:
              exact: jason
          queryParams:
            v:
              exact: "1"
      route:
        - destination:
            host: ratings
          headers:
            request:
              set:
                x-a: b
      rewrite:
        uri: /v2
        authority: ratings.internal
      retries:
        attempts: 2
        perTryTimeout: 1s
        retryOn: 5xx,connect-failure,reset
      fault:
        delay:
          fixedDelay: 2s
          percentage:
            value: 10
        abort:
          httpStatus: 503
          percentage:
            value: 5.5
    - name: moved
      redirect:
        uri: /new
  tcp:
    - route:
        - destination:
            host: db
`;

function form(yaml: string): VirtualServiceForm {
  const r = virtualServiceFromIstio(parse(yaml));
  if (!("form" in r)) throw new Error(r.problem);
  return r.form;
}

describe("VirtualService form", () => {
  it("round-trips the demo rule and a rule using every field plus fields the form does not edit", () => {
    for (const yaml of [REVIEWS, BOOKINFO]) expect(ruleToYaml(virtualServiceToIstio(form(yaml)))).toBe(ruleToYaml(parse(yaml)));
  });

  it("writes weights as numbers and shifts traffic", () => {
    const f = form(REVIEWS);
    f.http[0]!.destinations = f.http[0]!.destinations.map((d, i) => ({ ...d, weight: i === 2 ? "100" : "0" }));
    const out = virtualServiceToIstio(f) as { spec: { http: { route: { weight: unknown }[] }[] } };
    expect(out.spec.http[0]!.route.map((r) => r.weight)).toEqual([0, 0, 100]);
  });

  it("omits the weight of a lone destination and keeps text that is not a number (the schema flags it)", () => {
    const f = newVirtualService();
    f.name = "x";
    f.hosts = ["reviews"];
    f.http[0]!.destinations = [emptyDestination("reviews")];
    f.http[0]!.destinations[0]!.port = "80a";
    const out = virtualServiceToIstio(f) as { spec: { http: { route: Record<string, unknown>[] }[] } };
    expect(out.spec.http[0]!.route[0]).toEqual({ destination: { host: "reviews", port: { number: "80a" } } });
  });

  it("refuses what it cannot show, so the editor falls back to YAML", () => {
    const r = virtualServiceFromIstio(parse("kind: VirtualService\nmetadata: {name: a}\nspec:\n  hosts: [a]\n  http:\n    - match: [{uri: {exact: /a, prefix: /b}}]\n      route: [{destination: {host: a}}]\n"));
    expect(r).toEqual({ problem: expect.stringContaining("http[0].match[0].uri") });
    expect(virtualServiceFromIstio({ kind: "DestinationRule" })).toEqual({ problem: "not a VirtualService document" });
  });

  it("lists the paths its fields show problems at, in the server's format", () => {
    const paths = virtualServicePaths(form(BOOKINFO));
    expect(paths.has("spec.http[0].route")).toBe(true);
    expect(paths.has(vsPath.destination(0, 0, "weight"))).toBe(true);
    expect(paths.has("spec.http[1].route[0].destination.subset")).toBe(true);
    expect(paths.has('spec.http[1].match[0].headers["end-user"]')).toBe(true);
    expect(paths.has("spec.http[1].fault.delay.fixedDelay")).toBe(true);
    expect(paths.has("spec.hosts[0]")).toBe(true);
  });
});
