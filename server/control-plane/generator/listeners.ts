// LDS: the sidecar's virtualOutbound (HCM over RDS "outbound") and virtualInbound (inline routes to the
// local app) listeners, the gateway's listener (HCM over RDS "http.PORT"), and proxyless gRPC's API
// listeners, one per requested "host:port" target.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { ListenerSchema, type Listener } from "../../../proto/gen/envoy/config/listener/v3/listener_pb";
import { HttpConnectionManagerSchema, type HttpFilterSchema } from "../../../proto/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb";
import { RouterSchema } from "../../../proto/gen/envoy/extensions/filters/http/router/v3/router_pb";
import { HTTPFaultSchema } from "../../../proto/gen/envoy/extensions/filters/http/fault/v3/fault_pb";
import { inboundClusterName } from "../rules/resolve-host";
import { ADS_SOURCE } from "./clusters";
import { durationFromMs } from "./proto-duration";
import { FAULT_FILTER } from "./route-policies";
import { gatewayRouteName, OUTBOUND_ROUTE } from "./route-configs";

export const HCM_FILTER = "envoy.filters.network.http_connection_manager";
export const ROUTER_FILTER = "envoy.filters.http.router";
export const VIRTUAL_OUTBOUND = "virtualOutbound";
export const VIRTUAL_INBOUND = "virtualInbound";

export type HttpFilterInit = MessageInitShape<typeof HttpFilterSchema>;
type HcmInit = MessageInitShape<typeof HttpConnectionManagerSchema>;

const routerFilter = (): HttpFilterInit => ({ name: ROUTER_FILTER, configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema)) } });
/** An empty fault filter: the per-route typed_per_filter_config says what to inject. */
const faultFilter = (): HttpFilterInit => ({ name: FAULT_FILTER, configType: { case: "typedConfig", value: anyPack(HTTPFaultSchema, create(HTTPFaultSchema)) } });

/** The HTTP filters of an outbound connection manager: policy (when given), fault, then router. */
export function outboundHttpFilters(policy?: HttpFilterInit): HttpFilterInit[] {
  return policy ? [policy, faultFilter(), routerFilter()] : [faultFilter(), routerFilter()];
}

function rds(routeConfigName: string): HcmInit["routeSpecifier"] {
  return { case: "rds", value: { configSource: ADS_SOURCE, routeConfigName } };
}

function hcmAny(init: HcmInit): Any {
  return anyPack(HttpConnectionManagerSchema, create(HttpConnectionManagerSchema, init));
}

function httpListener(name: string, host: string, port: number, hcm: HcmInit): Listener {
  return create(ListenerSchema, {
    name,
    address: { address: { case: "socketAddress", value: { address: host, portSpecifier: { case: "portValue", value: port } } } },
    filterChains: [{ filters: [{ name: HCM_FILTER, configType: { case: "typedConfig", value: hcmAny(hcm) } }] }],
  });
}

export function virtualOutboundListener(host: string, port: number, policy?: HttpFilterInit): Listener {
  return httpListener(VIRTUAL_OUTBOUND, host, port, { statPrefix: "outbound", routeSpecifier: rds(OUTBOUND_ROUTE), httpFilters: outboundHttpFilters(policy) });
}

/** Everything arriving on the inbound port goes to the local app (inbound|APP_PORT||SERVICE). */
export function virtualInboundListener(host: string, port: number, service: string, appPort: number, policy?: HttpFilterInit): Listener {
  const cluster = inboundClusterName(appPort, service);
  return httpListener(VIRTUAL_INBOUND, host, port, {
    statPrefix: "inbound",
    routeSpecifier: {
      case: "routeConfig",
      value: {
        name: `inbound|${appPort}||`,
        // As Istio does: LDS may land before CDS, and a listener must not be refused for that.
        validateClusters: false,
        virtualHosts: [
          {
            name: `inbound|http|${appPort}`,
            domains: ["*"],
            routes: [{ name: "default", match: { pathSpecifier: { case: "prefix", value: "/" } }, action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: cluster }, timeout: durationFromMs(0) } } }],
          },
        ],
      },
    },
    httpFilters: policy ? [policy, routerFilter()] : [routerFilter()],
  });
}

/** Istio's gateway listener name for a port. */
export function gatewayListenerName(port: number): string {
  return `0.0.0.0_${port}`;
}

export function gatewayListener(host: string, port: number, policy?: HttpFilterInit): Listener {
  return httpListener(gatewayListenerName(port), host, port, { statPrefix: `outbound_0.0.0.0_${port}`, routeSpecifier: rds(gatewayRouteName(port)), httpFilters: outboundHttpFilters(policy) });
}

/**
 * A proxyless gRPC client's listener for the target it dials ("reviews:9080"): an API listener whose
 * connection manager takes routes from RDS under the same name. The fault filter is included (as Istio
 * does) so VirtualService fault injection reaches gRPC clients.
 */
export function proxylessListener(name: string): Listener {
  return create(ListenerSchema, { name, apiListener: { apiListener: hcmAny({ routeSpecifier: rds(name), httpFilters: outboundHttpFilters() }) } });
}
