// Test fixture: an XdsGenerator for one proxyless gRPC service (the shape istiod gives grpc-js-xds):
// an api_listener with RDS over ADS, one route, an EDS cluster, and one locality on 127.0.0.1.

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Cluster_DiscoveryType, Cluster_LbPolicy, ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ApiVersion, ConfigSourceSchema } from "../../proto/gen/envoy/config/core/v3/config_source_pb";
import { ClusterLoadAssignmentSchema } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { ListenerSchema } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { RouterSchema } from "../../proto/gen/envoy/extensions/filters/http/router/v3/router_pb";
import { HttpConnectionManagerSchema } from "../../proto/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb";
import type { GeneratedResource, XdsGenerator, XdsType } from "./xds-types";

export interface EchoMesh extends XdsGenerator {
  readonly listenerName: string;
  readonly clusterName: string;
  lbPolicy: Cluster_LbPolicy;
}

const HOST = "echo.default.svc.cluster.local";

export function echoMesh(servicePort: number, backendPort: number): EchoMesh {
  const listenerName = `${HOST}:${servicePort}`;
  const routeName = `${HOST}:${servicePort}`;
  const clusterName = `outbound|${servicePort}||${HOST}`;
  const ads = () => create(ConfigSourceSchema, { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 });

  const listener = (): GeneratedResource => {
    const hcm = create(HttpConnectionManagerSchema, {
      statPrefix: "outbound",
      routeSpecifier: { case: "rds", value: { configSource: ads(), routeConfigName: routeName } },
      httpFilters: [{ name: "envoy.filters.http.router", configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema)) } }],
    });
    const l = create(ListenerSchema, { name: listenerName, apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, hcm) } });
    return { name: listenerName, resource: anyPack(ListenerSchema, l) };
  };
  const route = (): GeneratedResource => {
    const rc = create(RouteConfigurationSchema, {
      name: routeName,
      virtualHosts: [
        {
          name: listenerName,
          domains: [HOST, listenerName, "*"],
          routes: [{ match: { pathSpecifier: { case: "prefix", value: "" } }, action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: clusterName } } } }],
        },
      ],
    });
    return { name: routeName, resource: anyPack(RouteConfigurationSchema, rc) };
  };
  const cluster = (lbPolicy: Cluster_LbPolicy): GeneratedResource => {
    const c = create(ClusterSchema, {
      name: clusterName,
      clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
      edsClusterConfig: { edsConfig: ads(), serviceName: clusterName },
      lbPolicy,
      connectTimeout: { seconds: 1n },
    });
    return { name: clusterName, resource: anyPack(ClusterSchema, c) };
  };
  const endpoint = (): GeneratedResource => {
    const cla = create(ClusterLoadAssignmentSchema, {
      clusterName,
      endpoints: [
        {
          locality: { region: "", zone: "", subZone: "" },
          loadBalancingWeight: 1, // without it grpc-js-xds drops the locality silently
          lbEndpoints: [
            {
              hostIdentifier: {
                case: "endpoint",
                value: { address: { address: { case: "socketAddress", value: { address: "127.0.0.1", portSpecifier: { case: "portValue", value: backendPort } } } } },
              },
              loadBalancingWeight: 1,
            },
          ],
        },
      ],
    });
    return { name: clusterName, resource: anyPack(ClusterLoadAssignmentSchema, cla) };
  };

  const mesh: EchoMesh = {
    listenerName,
    clusterName,
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    generate(_node, type: XdsType, names) {
      const all: Record<XdsType, () => GeneratedResource> = { listener, route, cluster: () => cluster(mesh.lbPolicy), endpoint };
      const r = all[type]();
      return { resources: names.length === 0 || names.includes(r.name) ? [r] : [] };
    },
  };
  return mesh;
}
