// Public surface of the proxy engine library. server/ imports from here only.

export { createProxy, type Proxy, type ProxyOptions, type ProxyRole, type BoundListener } from "./proxy";
export { bootstrapFromJson, resourcesFromBootstrap, type ProxyResources, type ResourcesWithOrigin } from "./config/resources";
export { ConfigError, type ConfigIssue } from "./config/config-error";
export { compileTapMatch, TapMatchError } from "./tap/match";
export { createTap, type Tap } from "./tap/tap";
export type { Bootstrap } from "../proto/gen/envoy/config/bootstrap/v3/bootstrap_pb";
export { sniffProtocol, classify, type Protocol } from "./listener/protocol-sniff";
export { createDualProtocolServer, type DualHandler, type DualProtocolServer } from "./listener/dual-protocol-server";
export { isLoopback } from "./admin/admin-server";
export { createXdsClient, type XdsClient, type XdsClientOptions, type XdsClientStatus, type XdsTypeStatus, type XdsNode, type XdsKind } from "./xds-client/xds-client";
