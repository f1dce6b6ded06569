// The typed_config messages the engine understands, for unpacking google.protobuf.Any and for JSON/YAML
// bootstraps with "@type" fields.

import { createRegistry, type DescMessage } from "@bufbuild/protobuf";
import { HttpConnectionManagerSchema } from "../../proto/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb";
import { TcpProxySchema } from "../../proto/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb";
import { RouterSchema } from "../../proto/gen/envoy/extensions/filters/http/router/v3/router_pb";
import { HTTPFaultSchema } from "../../proto/gen/envoy/extensions/filters/http/fault/v3/fault_pb";
import { CorsSchema, CorsPolicySchema } from "../../proto/gen/envoy/extensions/filters/http/cors/v3/cors_pb";
import { LocalRateLimitSchema } from "../../proto/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb";
import { HeaderMutationSchema, HeaderMutationPerRouteSchema } from "../../proto/gen/envoy/extensions/filters/http/header_mutation/v3/header_mutation_pb";
import { ListenerSchema } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { FileAccessLogSchema } from "../../proto/gen/envoy/extensions/access_loggers/file/v3/file_pb";
import { StderrAccessLogSchema, StdoutAccessLogSchema } from "../../proto/gen/envoy/extensions/access_loggers/stream/v3/stream_pb";
import { ConnectionLimitSchema } from "../../proto/gen/envoy/extensions/filters/network/connection_limit/v3/connection_limit_pb";
import { LocalRateLimitSchema as NetworkLocalRateLimitSchema } from "../../proto/gen/envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit_pb";
import { HttpProtocolOptionsSchema } from "../../proto/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb";
import { PolicyFilterSchema } from "../../proto/gen/meshdash/policy/v1/policy_pb";

export const TYPED_CONFIGS: DescMessage[] = [
  HttpConnectionManagerSchema,
  TcpProxySchema,
  RouterSchema,
  HTTPFaultSchema,
  CorsSchema,
  CorsPolicySchema,
  LocalRateLimitSchema,
  HeaderMutationSchema,
  HeaderMutationPerRouteSchema,
  ListenerSchema,
  RouteConfigurationSchema,
  ClusterSchema,
  ClusterLoadAssignmentSchema,
  FileAccessLogSchema,
  StdoutAccessLogSchema,
  StderrAccessLogSchema,
  HttpProtocolOptionsSchema,
  ConnectionLimitSchema,
  NetworkLocalRateLimitSchema,
  PolicyFilterSchema,
];

export const typeRegistry = createRegistry(...TYPED_CONFIGS);

export function typeUrl(schema: DescMessage): string {
  return `type.googleapis.com/${schema.typeName}`;
}
