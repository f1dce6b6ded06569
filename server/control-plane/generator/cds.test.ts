// CDS translation tests: outbound and subset clusters, the sidecar inbound cluster, and DestinationRule
// traffic policies (load balancer, connection pool, outlier detection, HTTP/2 ports) on a Bookinfo mesh.
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ClusterSchema, Cluster_DiscoveryType, Cluster_LbPolicy, type Cluster } from "../../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { HttpProtocolOptionsSchema } from "../../../proto/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb";
import { ApiVersion } from "../../../proto/gen/envoy/config/core/v3/config_source_pb";
import { bookinfoContext, byName, gatewayNode, gen, HOSTS, proxylessNode, sidecarNode } from "./bookinfo-fixture";
import { HTTP_PROTOCOL_OPTIONS, MAX_UINT32 } from "./clusters";
import { createGenerator } from "./generator";

const ctx = bookinfoContext();
const g = createGenerator(() => ctx);
const sidecar = gen(g, sidecarNode(), "cluster", ClusterSchema);
/** The explicit_http_config protocol (http1 / http2) of HttpProtocolOptions. */
const explicitProtocol = (c: Cluster) => {
  const u = protocolOptions(c)?.upstreamProtocolOptions;
  return u?.case === "explicitHttpConfig" ? u.value.protocolConfig.case : undefined;
};
const protocolOptions = (c: Cluster) => {
  const a = c.typedExtensionProtocolOptions[HTTP_PROTOCOL_OPTIONS];
  return a ? anyUnpack(a, HttpProtocolOptionsSchema) : undefined;
};

describe("CDS", () => {
  it("has outbound|PORT||HOST per service port and one cluster per DestinationRule subset", () => {
    const names = sidecar.map((c) => c.name);
    expect(names).toContain(`outbound|9080||${HOSTS.reviews}`);
    for (const v of ["v1", "v2", "v3"]) expect(names).toContain(`outbound|9080|${v}|reviews.default.svc.cluster.local`);
    expect(names).toContain(`outbound|50051||${HOSTS.greeter}`);
    expect(names.filter((n) => n.startsWith("outbound|") && n.endsWith("|" + HOSTS.productpage))).toEqual([`outbound|9080||${HOSTS.productpage}`]);
  });

  it("builds EDS clusters over ADS with a 10 s connect timeout and Istio's open circuit breakers", () => {
    const c = byName(sidecar, `outbound|9080||${HOSTS.productpage}`);
    expect(c.clusterDiscoveryType).toEqual({ case: "type", value: Cluster_DiscoveryType.EDS });
    expect(c.edsClusterConfig?.serviceName).toBe(c.name);
    expect(c.edsClusterConfig?.edsConfig?.configSourceSpecifier.case).toBe("ads");
    expect(c.edsClusterConfig?.edsConfig?.resourceApiVersion).toBe(ApiVersion.V3);
    expect(c.connectTimeout).toMatchObject({ seconds: 10n, nanos: 0 });
    expect(c.lbPolicy).toBe(Cluster_LbPolicy.ROUND_ROBIN);
    expect(c.circuitBreakers?.thresholds[0]).toMatchObject({ maxConnections: MAX_UINT32, maxRequests: MAX_UINT32, maxRetries: MAX_UINT32, maxPendingRequests: MAX_UINT32 });
    expect(c.outlierDetection).toBeUndefined();
    expect(protocolOptions(c)).toBeUndefined();
  });

  it("adds the sidecar's STATIC inbound cluster to LISTEN_HOST:APP_PORT, and none for gateways", () => {
    const c = byName(sidecar, `inbound|9080||${HOSTS.productpage}`);
    expect(c.clusterDiscoveryType).toEqual({ case: "type", value: Cluster_DiscoveryType.STATIC });
    const sa = c.loadAssignment?.endpoints[0]?.lbEndpoints[0]?.hostIdentifier;
    expect(sa?.case === "endpoint" && sa.value.address?.address.case === "socketAddress" ? sa.value.address.address.value : undefined).toMatchObject({ address: "127.0.0.1", portSpecifier: { case: "portValue", value: 9080 } });
    const other = gen(g, sidecarNode({ LISTEN_HOST: "127.0.0.2" }), "cluster", ClusterSchema, [`inbound|9080||${HOSTS.productpage}`]);
    expect(other).toHaveLength(1);
    expect(JSON.stringify(other[0]!.loadAssignment?.endpoints[0]?.lbEndpoints[0]?.hostIdentifier.value)).toContain("127.0.0.2");
    const gw = gen(g, gatewayNode(), "cluster", ClusterSchema);
    expect(gw.some((c) => c.name.startsWith("inbound|"))).toBe(false);
    expect(gw).toHaveLength(sidecar.length - 1);
  });

  it("applies connectionPool: circuit breaker thresholds, connect timeout and HttpProtocolOptions", () => {
    const c = byName(sidecar, `outbound|9080|v1|${HOSTS.reviews}`);
    expect(c.circuitBreakers?.thresholds[0]).toMatchObject({ maxConnections: 100, maxPendingRequests: 10, maxRequests: 1000, maxRetries: 3, trackRemaining: true });
    expect(c.connectTimeout).toMatchObject({ seconds: 0n, nanos: 250_000_000 });
    const po = protocolOptions(c)!;
    expect(po.commonHttpProtocolOptions?.idleTimeout).toMatchObject({ seconds: 30n });
    expect(po.commonHttpProtocolOptions?.maxRequestsPerConnection).toBe(5);
    expect(explicitProtocol(c)).toBe("httpProtocolOptions");
  });

  it("applies outlierDetection as Istio does (enforcing 100, success rate off, panic threshold 0)", () => {
    const c = byName(sidecar, `outbound|9080||${HOSTS.reviews}`);
    expect(c.outlierDetection).toMatchObject({ consecutive5xx: 7, enforcingConsecutive5xx: 100, consecutiveGatewayFailure: 3, enforcingConsecutiveGatewayFailure: 100, maxEjectionPercent: 50, enforcingSuccessRate: 0 });
    expect(c.outlierDetection?.interval).toMatchObject({ seconds: 5n });
    expect(c.outlierDetection?.baseEjectionTime).toMatchObject({ seconds: 60n });
    expect(c.commonLbConfig?.healthyPanicThreshold?.value).toBe(0);
  });

  it("lets a subset policy override the top-level one field by field", () => {
    const v3 = byName(sidecar, `outbound|9080|v3|${HOSTS.reviews}`);
    expect(v3.lbPolicy).toBe(Cluster_LbPolicy.LEAST_REQUEST);
    expect(v3.circuitBreakers?.thresholds[0]?.maxConnections).toBe(1);
    expect(v3.circuitBreakers?.thresholds[0]?.maxPendingRequests).toBe(MAX_UINT32);
    expect(v3.outlierDetection?.consecutive5xx).toBe(7);
    expect(byName(sidecar, `outbound|9080|v2|${HOSTS.reviews}`).lbPolicy).toBe(Cluster_LbPolicy.RANDOM);
  });

  it("maps consistentHash to RING_HASH (minimum_ring_size) or MAGLEV (table_size)", () => {
    const ratings = byName(sidecar, `outbound|9080||${HOSTS.ratings}`);
    expect(ratings.lbPolicy).toBe(Cluster_LbPolicy.RING_HASH);
    expect(ratings.lbConfig).toMatchObject({ case: "ringHashLbConfig", value: { minimumRingSize: 2048n } });
    const details = byName(sidecar, `outbound|9080||${HOSTS.details}`);
    expect(details.lbPolicy).toBe(Cluster_LbPolicy.MAGLEV);
    expect(details.lbConfig).toMatchObject({ case: "maglevLbConfig", value: { tableSize: 65537n } });
  });

  it("serves PASSTHROUGH as ROUND_ROBIN (no ORIGINAL_DST support)", () => {
    const c2 = bookinfoContext({ destinationRules: [{ kind: "DestinationRule", metadata: { name: "p", namespace: "default" }, spec: { host: "details", trafficPolicy: { loadBalancer: { simple: "PASSTHROUGH" } } } }] });
    const out = gen(createGenerator(() => c2), sidecarNode(), "cluster", ClusterSchema, [`outbound|9080||${HOSTS.details}`]);
    expect(out[0]!.lbPolicy).toBe(Cluster_LbPolicy.ROUND_ROBIN);
  });

  it("speaks HTTP/2 upstream for GRPC and HTTP2 ports", () => {
    expect(explicitProtocol(byName(sidecar, `outbound|50051||${HOSTS.greeter}`))).toBe("http2ProtocolOptions");
  });

  it("filters by requested names, returning only those that exist", () => {
    const names = [`outbound|9080|v1|${HOSTS.reviews}`, "outbound|1|nope|x", `outbound|9080|v1|${HOSTS.reviews}`];
    expect(gen(g, sidecarNode(), "cluster", ClusterSchema, names).map((c) => c.name)).toEqual([names[0]]);
  });

  it("gives proxyless clients only requested clusters, with gRPC's lb policies, LEAST_REQUEST passed through", () => {
    const n = proxylessNode();
    expect(g.generate(n, "cluster", []).resources).toEqual([]);
    const out = gen(g, n, "cluster", ClusterSchema, [`outbound|9080|v1|${HOSTS.reviews}`, `outbound|9080|v2|${HOSTS.reviews}`, `outbound|9080|v3|${HOSTS.reviews}`, `outbound|9080||${HOSTS.details}`, `outbound|9080|v9|${HOSTS.reviews}`]);
    expect(out.map((c) => Cluster_LbPolicy[c.lbPolicy])).toEqual(["ROUND_ROBIN", "ROUND_ROBIN", "LEAST_REQUEST", "RING_HASH"]);
  });
});
