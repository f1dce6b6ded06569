// The attribute bag: Istio names from a request, the peer workload and the route's cluster; headers joined;
// response attributes added at the end. Also workload names from node ids and services from cluster names.

import { describe, expect, it } from "vitest";
import type { ActiveStream } from "../http/active-stream";
import { matchInputOf, type DownstreamRequest } from "../http/downstream";
import { finishAttributes, headerMap, requestAttributes } from "./attributes";
import { serviceOfCluster } from "./destination-service";
import { createWorkloadCache, UNKNOWN_WORKLOAD, workloadOf } from "./workload";

function fakeStream(headers: Record<string, string | string[]>, url = "/api/v1?q=1"): ActiveStream {
  const req = {
    url,
    method: "POST",
    httpVersion: "1.1",
    headers,
    socket: { remoteAddress: "10.0.0.1", remotePort: 40000, localAddress: "10.0.0.2", localPort: 15006, meshConnectionId: 7 },
  } as unknown as DownstreamRequest;
  return { req, startedAt: performance.now() - 12, status: 503, responseBytes: 42, responseFlags: "UF,URX", responseHeaders: { "content-type": "text/plain" }, endpoint: undefined } as unknown as ActiveStream;
}

describe("attributes", () => {
  it("builds request, source, destination, connection and context attributes for the server side", () => {
    const s = fakeStream({ host: "reviews:9080", "user-agent": "curl/8", "x-request-id": "rid-1", "content-length": "5", "x-user": "alice" });
    const peer = workloadOf("sidecar~10.0.0.1~productpage-v1-0.default~default.svc.cluster.local");
    const self = workloadOf("sidecar~10.0.0.2~reviews-v2-5d8f9c7b6-x2x4z.default~default.svc.cluster.local");
    const a = requestAttributes(s, matchInputOf(s.req), { reporter: "destination", source: peer, destination: self, service: serviceOfCluster("inbound|9080||reviews.default.svc.cluster.local") });
    expect(a.request).toMatchObject({ method: "POST", path: "/api/v1?q=1", url_path: "/api/v1", host: "reviews:9080", scheme: "http", size: 5, id: "rid-1", useragent: "curl/8" });
    expect(a.request.headers["x-user"]).toBe("alice");
    expect(a.source).toEqual({ workload: { name: "productpage-v1", namespace: "default" }, ip: "10.0.0.1", port: 40000, uid: "kubernetes://productpage-v1-0.default", labels: { app: "productpage", version: "v1" }, principal: "" });
    expect(a.destination).toMatchObject({ workload: { name: "reviews-v2", namespace: "default" }, service: { host: "reviews.default.svc.cluster.local", name: "reviews", namespace: "default" }, ip: "10.0.0.2", port: 15006 });
    expect(a.connection).toEqual({ id: 7, mtls: false });
    expect(a.context).toEqual({ protocol: "http", reporter: "destination" });
    expect(a.response).toBeUndefined();
    finishAttributes(a, s, performance.now());
    expect(a.response).toMatchObject({ code: 503, size: 42, flags: "UF,URX", headers: { "content-type": "text/plain" } });
    expect(a.response!.duration).toBeGreaterThanOrEqual(12);
  });

  it("says grpc for gRPC requests, and the client side's destination port is the service's", () => {
    const s = fakeStream({ "content-type": "application/grpc+proto" });
    const a = requestAttributes(s, matchInputOf(s.req), { reporter: "source", source: UNKNOWN_WORKLOAD, destination: UNKNOWN_WORKLOAD, service: serviceOfCluster("outbound|9080|v2|reviews.default.svc.cluster.local") });
    expect(a.context.protocol).toBe("grpc");
    expect(a.destination).toMatchObject({ ip: "", port: 9080 });
    expect(a.request.id).toBe("");
  });

  it("joins repeated headers with ', ' and leaves all-string header objects as they are", () => {
    const plain = { a: "1", b: "2" };
    expect(headerMap(plain)).toBe(plain);
    expect(headerMap({ a: "1", "set-cookie": ["x=1", "y=2"] })).toEqual({ a: "1", "set-cookie": "x=1, y=2" });
  });
});

describe("workloads and services from Istio names", () => {
  it("derives deployment-like names and app/version labels", () => {
    expect(workloadOf("router~10.0.9.9~istio-ingressgateway.istio-system~istio-system.svc.cluster.local")).toMatchObject({ name: "istio-ingressgateway", namespace: "istio-system", ip: "10.0.9.9", labels: { app: "istio-ingressgateway" } });
    expect(workloadOf("bench")).toMatchObject({ name: "", namespace: "", labels: {} });
    const cached = createWorkloadCache(2);
    const id = "sidecar~1.2.3.4~ratings-v1-0.default~default.svc.cluster.local";
    expect(cached(id)).toBe(cached(id));
  });

  it("parses outbound and inbound cluster names; other names are the service host as-is", () => {
    expect(serviceOfCluster("outbound|9080|v1|reviews.default.svc.cluster.local")).toEqual({ host: "reviews.default.svc.cluster.local", name: "reviews", namespace: "default", port: 9080, direction: "outbound" });
    expect(serviceOfCluster("inbound|9080||reviews.default.svc.cluster.local").direction).toBe("inbound");
    expect(serviceOfCluster("up")).toMatchObject({ host: "up", name: "up", direction: undefined });
  });
});
