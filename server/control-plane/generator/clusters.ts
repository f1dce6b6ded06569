// CDS: Istio's outbound clusters (outbound|PORT|SUBSET|HOST, type EDS over ADS) with the DestinationRule
// traffic policy applied (load balancer, connection pool → circuit breakers and protocol options, outlier
// detection), and the sidecar's STATIC inbound cluster (inbound|APP_PORT||SERVICE) to the local app.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { ClusterSchema, Cluster_DiscoveryType, type Cluster } from "../../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import type { CircuitBreakers_ThresholdsSchema } from "../../../proto/gen/envoy/config/cluster/v3/circuit_breaker_pb";
import { ApiVersion } from "../../../proto/gen/envoy/config/core/v3/config_source_pb";
import { HttpProtocolOptionsSchema } from "../../../proto/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb";
import type { OutlierDetectionSchema } from "../../../proto/gen/envoy/config/cluster/v3/outlier_detection_pb";
import type { PortProtocol, Service, ServicePort } from "../registry/registry-types";
import type { ConnectionPoolSettings, DestinationRule, OutlierDetection, TrafficPolicy } from "../rules/istio-types";
import { inboundClusterName, outboundClusterName } from "../rules/resolve-host";
import { durationFromMs, istioDuration } from "./proto-duration";
import { lbFields, policyFor } from "./traffic-policy";

export const HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Istio turns Envoy's circuit breakers off by default: every threshold is the uint32 maximum. */
export const MAX_UINT32 = 4_294_967_295;

/** The ADS config source every dynamic resource points at. */
export const ADS_SOURCE = { configSourceSpecifier: { case: "ads" as const, value: {} }, resourceApiVersion: ApiVersion.V3 };

export function isHttp2(p: PortProtocol): boolean {
  return p === "GRPC" || p === "HTTP2";
}

function thresholds(cp: ConnectionPoolSettings | undefined): MessageInitShape<typeof CircuitBreakers_ThresholdsSchema> {
  return {
    maxConnections: cp?.tcp?.maxConnections ?? MAX_UINT32,
    maxPendingRequests: cp?.http?.http1MaxPendingRequests ?? MAX_UINT32,
    maxRequests: cp?.http?.http2MaxRequests ?? MAX_UINT32,
    maxRetries: cp?.http?.maxRetries ?? MAX_UINT32,
    trackRemaining: true,
  };
}

/** Istio's applyOutlierDetection: success-rate ejection off, consecutive errors enforced at 100%. */
function outlierDetection(od: OutlierDetection): MessageInitShape<typeof OutlierDetectionSchema> {
  const out: MessageInitShape<typeof OutlierDetectionSchema> = { enforcingSuccessRate: 0 };
  if (od.consecutive5xxErrors !== undefined) {
    out.consecutive5xx = od.consecutive5xxErrors;
    out.enforcingConsecutive5xx = od.consecutive5xxErrors > 0 ? 100 : 0;
  }
  if (od.consecutiveGatewayErrors !== undefined) {
    out.consecutiveGatewayFailure = od.consecutiveGatewayErrors;
    out.enforcingConsecutiveGatewayFailure = od.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (od.interval !== undefined) out.interval = istioDuration(od.interval);
  if (od.baseEjectionTime !== undefined) out.baseEjectionTime = istioDuration(od.baseEjectionTime);
  if (od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0) out.maxEjectionPercent = od.maxEjectionPercent;
  return out;
}

/** typed_extension_protocol_options, or undefined when neither the port nor the pool needs any. */
function protocolOptions(protocol: PortProtocol, cp: ConnectionPoolSettings | undefined): Any | undefined {
  const idle = istioDuration(cp?.http?.idleTimeout);
  const perConn = cp?.http?.maxRequestsPerConnection;
  const common = idle !== undefined || perConn !== undefined ? { idleTimeout: idle, maxRequestsPerConnection: perConn } : undefined;
  if (!isHttp2(protocol) && !common) return undefined;
  const protocolConfig = isHttp2(protocol) ? { case: "http2ProtocolOptions" as const, value: {} } : { case: "httpProtocolOptions" as const, value: {} };
  return anyPack(
    HttpProtocolOptionsSchema,
    create(HttpProtocolOptionsSchema, { commonHttpProtocolOptions: common, upstreamProtocolOptions: { case: "explicitHttpConfig", value: { protocolConfig } } }),
  );
}

export interface ClusterOptions {
  /** Proxyless gRPC: lb_policy limited to what gRPC accepts (see lbFields). */
  proxyless: boolean;
}

export function outboundCluster(svc: Service, port: ServicePort, subset: string, dr: DestinationRule | undefined, opts: ClusterOptions): Cluster {
  const name = outboundClusterName(port.port, subset, svc.hostname);
  const policy: TrafficPolicy | undefined = policyFor(dr, subset);
  const cp = policy?.connectionPool;
  const init: MessageInitShape<typeof ClusterSchema> = {
    name,
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: ADS_SOURCE, serviceName: name },
    connectTimeout: istioDuration(cp?.tcp?.connectTimeout) ?? durationFromMs(DEFAULT_CONNECT_TIMEOUT_MS),
    ...lbFields(policy?.loadBalancer, opts.proxyless),
    circuitBreakers: { thresholds: [thresholds(cp)] },
  };
  const od = policy?.outlierDetection;
  if (od) {
    init.outlierDetection = outlierDetection(od);
    // Istio: the panic threshold is min_health_percent (0 when unset), so ejected hosts stay out.
    init.commonLbConfig = { healthyPanicThreshold: { value: od.minHealthPercent ?? 0 } };
  }
  const po = protocolOptions(port.protocol, cp);
  if (po) init.typedExtensionProtocolOptions = { [HTTP_PROTOCOL_OPTIONS]: po };
  return create(ClusterSchema, init);
}

/** Every outbound cluster of a service: one per port, plus one per port and DestinationRule subset. */
export function outboundClustersOf(svc: Service, dr: DestinationRule | undefined, opts: ClusterOptions): Cluster[] {
  const subsets = dr?.spec.subsets ?? [];
  const out: Cluster[] = [];
  for (const port of svc.ports) {
    out.push(outboundCluster(svc, port, "", dr, opts));
    for (const s of subsets) out.push(outboundCluster(svc, port, s.name, dr, opts));
  }
  return out;
}

/** The sidecar's inbound cluster: STATIC, one endpoint, the app at listenHost:appPort. */
export function inboundCluster(service: string, appPort: number, listenHost: string): Cluster {
  return create(ClusterSchema, {
    name: inboundClusterName(appPort, service),
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.STATIC },
    connectTimeout: durationFromMs(DEFAULT_CONNECT_TIMEOUT_MS),
    loadAssignment: {
      clusterName: inboundClusterName(appPort, service),
      endpoints: [{ lbEndpoints: [{ hostIdentifier: { case: "endpoint", value: { address: { address: { case: "socketAddress", value: { address: listenHost, portSpecifier: { case: "portValue", value: appPort } } } } } } }] }],
    },
  });
}
