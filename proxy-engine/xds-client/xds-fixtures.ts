// Test fixture: Envoy v3 resources as the control plane sends them (packed in Any), built from Envoy JSON:
// an HTTP listener on an ephemeral loopback port using RDS, a route configuration, EDS and static
// clusters, and load assignments pointing at test upstreams.

import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { ListenerSchema } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { typeRegistry } from "../config/type-registry";
import { HCM_TYPE, ROUTER_TYPE, staticClusterJson } from "../test-util/upstream";

const read = { registry: typeRegistry };

export function listenerJson(name: string, rds: string, port = 0): JsonValue {
  return {
    name,
    address: { socket_address: { address: "127.0.0.1", port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE,
              stat_prefix: name,
              rds: { route_config_name: rds, config_source: { ads: {} } },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
            },
          },
        ],
      },
    ],
  };
}

export const listener = (name: string, rds: string, port = 0): Any => anyPack(ListenerSchema, fromJson(ListenerSchema, listenerJson(name, rds, port), read));

/** A route configuration sending every path to `cluster`. */
export function route(name: string, cluster: string, extraHeader?: string): Any {
  const rc = {
    name,
    virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster } }] }],
    ...(extraHeader ? { response_headers_to_add: [{ header: { key: "x-route", value: extraHeader } }] } : {}),
  };
  return anyPack(RouteConfigurationSchema, fromJson(RouteConfigurationSchema, rc, read));
}

export function edsCluster(name: string, serviceName?: string, extra: Record<string, JsonValue> = {}): Any {
  const c = { name, type: "EDS", connect_timeout: "1s", eds_cluster_config: { eds_config: { ads: {} }, ...(serviceName ? { service_name: serviceName } : {}) }, ...extra };
  return anyPack(ClusterSchema, fromJson(ClusterSchema, c, read));
}

export const staticCluster = (name: string, ports: number[], extra: object = {}): Any =>
  anyPack(ClusterSchema, fromJson(ClusterSchema, staticClusterJson(name, ports, extra) as JsonValue, read));

export function endpoints(serviceName: string, ports: number[]): Any {
  const cla = { cluster_name: serviceName, endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p } } } })) }] };
  return anyPack(ClusterLoadAssignmentSchema, fromJson(ClusterLoadAssignmentSchema, cla, read));
}
