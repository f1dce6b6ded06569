// Rule list summaries and the subsets a destination host can use.
import { describe, expect, it } from "vitest";
import { summarizeRule, subsetsFor } from "./rule-summary";
import { editHref, refFromParams, resolveHost } from "./rule-ref";

describe("rule summaries", () => {
  it("reads hosts, gateways, routes and subsets", () => {
    const vs = summarizeRule({ kind: "VirtualService", namespace: "default", name: "bookinfo" }, 'spec:\n  hosts: ["*"]\n  gateways: [gw]\n  http: [{}, {}]\n', 3)!;
    expect(vs).toMatchObject({ hosts: ["*"], gateways: ["gw"], routes: 2, revision: 3 });
    const dr = summarizeRule({ kind: "DestinationRule", namespace: "default", name: "reviews" }, "spec:\n  host: reviews\n  subsets: [{name: v1, labels: {version: v1}}]\n", 1)!;
    expect(dr).toMatchObject({ hosts: ["reviews"], subsets: [{ name: "v1", labels: { version: "v1" } }] });
    expect(summarizeRule({ kind: "Gateway", namespace: "a", name: "b" }, "", 1)).toBeUndefined();
    expect(summarizeRule({ kind: "VirtualService", namespace: "a", name: "b" }, ": : bad", 1)).toMatchObject({ hosts: [] });
  });

  it("finds subsets through Istio's short-name resolution", () => {
    const dr = summarizeRule({ kind: "DestinationRule", namespace: "default", name: "reviews" }, "spec:\n  host: reviews.default.svc.cluster.local\n  subsets: [{name: v1}, {name: v2}]\n", 1)!;
    expect(subsetsFor([dr], "reviews", "default")).toEqual(["v1", "v2"]);
    expect(subsetsFor([dr], "reviews.default", "prod")).toEqual(["v1", "v2"]);
    expect(subsetsFor([dr], "reviews", "prod")).toEqual([]);
    expect(resolveHost("*.example.com", "x")).toBe("*.example.com");
  });

  it("builds and reads editor links", () => {
    const href = editHref("VirtualService", "default", "reviews");
    expect(refFromParams(new URL(href, "http://x").searchParams)).toEqual({ kind: "VirtualService", namespace: "default", name: "reviews" });
    expect(refFromParams(new URLSearchParams("kind=DestinationRule"))).toEqual({ kind: "DestinationRule", namespace: undefined, name: undefined });
    expect(refFromParams(new URLSearchParams("kind=Gateway"))).toBeUndefined();
  });
});
