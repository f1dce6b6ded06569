// Tap scope: proxies chosen by id, workload or service (Istio node ids and inbound clusters), with errors
// that list what exists, and Istio name parsing.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ScopeSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { CompiledConfig } from "../config/compile";
import { clusterLabels, parseProxyId } from "./proxy-identity";
import { selectProxies } from "./tap-scope";

const proxy = (id: string, ...services: string[]) => ({
  id,
  config: () => ({ clusters: new Map(services.map((s) => [`inbound|9080||${s}`, {}])) }) as unknown as CompiledConfig,
});
const gw = proxy("router~127.0.0.1~istio-ingressgateway.default~default.svc.cluster.local");
const r1 = proxy("sidecar~127.0.0.1~reviews-v1-0.default~default.svc.cluster.local", "reviews.default.svc.cluster.local");
const r2 = proxy("sidecar~127.0.0.1~reviews-v2-0.default~default.svc.cluster.local", "reviews.default.svc.cluster.local");
const p1 = proxy("sidecar~127.0.0.1~reviews-v1-0.prod~prod.svc.cluster.local", "reviews.prod.svc.cluster.local");
const all = [gw, r1, r2, p1];
const select = (init: Parameters<typeof create<typeof ScopeSchema>>[1], proxies = all) => selectProxies(proxies, create(ScopeSchema, init)).map((p) => p.id);

describe("selectProxies", () => {
  it("selects every proxy without a scope, one by id, a workload's sidecar, or a service's sidecars", () => {
    expect(selectProxies(all, undefined)).toHaveLength(4);
    expect(select({ proxy: gw.id })).toEqual([gw.id]);
    expect(select({ workload: "reviews-v2-0" })).toEqual([r2.id]);
    expect(select({ workload: "reviews-v1-0.prod" })).toEqual([p1.id]);
    expect(select({ service: "reviews.default" })).toEqual([r1.id, r2.id]);
    expect(select({ service: "Reviews.prod.svc.cluster.local" })).toEqual([p1.id]);
    expect(select({ service: "reviews" }, [gw, r1, r2])).toEqual([r1.id, r2.id]);
    expect(select({ service: "reviews.default", workload: "reviews-v1-0" })).toEqual([r1.id]);
  });

  it("explains names that select nothing, ambiguous names and empty intersections", () => {
    expect(() => select({ service: "ratings" })).toThrow('scope.service: no sidecar serves "ratings"; services: reviews.default.svc.cluster.local, reviews.prod.svc.cluster.local');
    expect(() => select({ service: "reviews" })).toThrow('scope.service: "reviews" is ambiguous: reviews.default.svc.cluster.local, reviews.prod.svc.cluster.local; give the full hostname');
    expect(() => select({ workload: "istio-ingressgateway" })).toThrow('scope.workload: no sidecar for workload "istio-ingressgateway"; workloads: reviews-v1-0, reviews-v2-0');
    expect(() => select({ proxy: "x" })).toThrow(/^scope.proxy: no proxy "x"; proxies: router~/);
    expect(() => select({ proxy: gw.id, service: "reviews.prod" })).toThrow("scope: its service, workload and proxy select no proxy in common");
  });
});

describe("Istio names", () => {
  it("parses node ids and cluster names", () => {
    expect(parseProxyId(r2.id)).toEqual({ type: "sidecar", ip: "127.0.0.1", workload: "reviews-v2-0", namespace: "default" });
    expect(parseProxyId("bench")).toEqual({ type: "", ip: "", workload: "", namespace: "" });
    expect(clusterLabels("outbound|9080|v2|reviews.default.svc.cluster.local")).toEqual({ cluster: "outbound|9080|v2|reviews.default.svc.cluster.local", service: "reviews", namespace: "default", port: "9080", subset: "v2" });
    expect(clusterLabels("users")).toEqual({ cluster: "users" });
  });
});
