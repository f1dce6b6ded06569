// Public surface of the proxy engine library. server/ imports from here only.

export { createProxy, type Proxy, type ProxyOptions, type ProxyRole, type BoundListener } from "./proxy";
export { bootstrapFromJson, resourcesFromBootstrap, type ProxyResources, type ResourcesWithOrigin } from "./config/resources";
export { ConfigError, type ConfigIssue } from "./config/config-error";
export { compileTapMatch, TapMatchError } from "./tap/match";
export { createTap, type Tap, type TapOptions } from "./tap/tap";
export { compileOutcome, type OutcomePredicate } from "./tap/outcome";
export { MAX_BODY_BYTES } from "./tap/body-capture";
export { selectProxies, TapScopeError } from "./tap/tap-scope";
export { parseProxyId, servedServices, type ProxyIdentity } from "./tap/proxy-identity";
export type { Bootstrap } from "../proto/gen/envoy/config/bootstrap/v3/bootstrap_pb";
export { sniffProtocol, classify, type Protocol } from "./listener/protocol-sniff";
export { createDualProtocolServer, type DualHandler, type DualProtocolServer } from "./listener/dual-protocol-server";
export { isLoopback } from "./admin/admin-server";
export { createXdsClient, type XdsClient, type XdsClientOptions, type XdsClientStatus, type XdsTypeStatus, type XdsNode, type XdsKind } from "./xds-client/xds-client";
export { configDump, type ConfigDumpQuery } from "./admin/config-dump";
export { isSecretHeader, REDACTED } from "./tap/redact";
export type { CompiledCluster, Endpoint as ClusterEndpoint, CircuitBreakers } from "./upstream/cluster";
export { createHistogram, quantile, DEFAULT_BUCKETS, type Histogram } from "./stats/stats-store";
export type { CompiledConfig, CompiledListener } from "./config/compile";
export type { CompiledRoute, CompiledRouteTable, CompiledVirtualHost, RouteAction, RouteStats } from "./router/route-table";
export { describeRouteMatch, explainRoute, virtualHostsOf, type ExplainRequest, type RouteExplanation, type RouteVerdict, type VirtualHostVerdict } from "./router/explain-route";
export { compileSafeRegex, RegexError } from "./router/safe-regex";
export { healthFlags } from "./admin/clusters-view";
