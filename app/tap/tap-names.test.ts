// Names for the two sides of a tapped stream.
import { describe, expect, it } from "vitest";
import { clusterService, hostOf, peerNames, proxyName } from "./tap-names";

const base = { proxy: "router~127.0.0.1~istio-ingressgateway.default~default.svc.cluster.local", source: "10.0.0.9:41234", destination: "127.0.0.1:8080", sourceMeta: {}, destinationMeta: {}, cluster: "outbound|9080||details.default.svc.cluster.local", authority: "details" };

describe("tap names", () => {
  it("shortens proxies, clusters and addresses", () => {
    expect(proxyName(base.proxy)).toBe("istio-ingressgateway.default");
    expect(proxyName("my-gateway")).toBe("my-gateway");
    expect(clusterService("outbound|9080|v2|reviews.default.svc.cluster.local")).toBe("reviews.default/v2");
    expect(clusterService("users")).toBe("users");
    expect(hostOf("10.0.0.1:80")).toBe("10.0.0.1");
    expect(hostOf("[::1]:80")).toBe("::1");
  });

  it("names inbound, outbound and unknown-direction streams, preferring metadata", () => {
    expect(peerNames({ ...base, direction: "inbound" })).toEqual({ source: "10.0.0.9", destination: "istio-ingressgateway.default" });
    expect(peerNames({ ...base, direction: "outbound" })).toEqual({ source: "istio-ingressgateway.default", destination: "details.default" });
    expect(peerNames({ ...base, direction: "", cluster: "" })).toEqual({ source: "10.0.0.9", destination: "details" });
    expect(peerNames({ ...base, direction: "inbound", sourceMeta: { workload: "productpage-v1-0" } }).source).toBe("productpage-v1-0");
    expect(peerNames({ ...base, direction: "outbound", destinationMeta: { cluster: "c", service: "reviews", subset: "v2" } }).destination).toBe("reviews/v2");
    expect(peerNames({ ...base, direction: "inbound", destinationMeta: { service: "details", workload: "details-v1-1" } }).destination).toBe("details-v1-1");
  });
});
