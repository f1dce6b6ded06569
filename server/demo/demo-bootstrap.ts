// Builds the demo ingress gateway's bootstrap in Envoy's own JSON shape: one listener whose
// http_connection_manager routes path prefixes to one STATIC cluster per demo service, pointing at the
// ports the demo services actually bound.

import { bootstrapFromJson, type Bootstrap } from "../../proxy-engine";
import type { DemoEndpoint } from "./demo-services";

export const DEMO_ROUTES: { name: string; prefix: string; service: string }[] = [
  { name: "productpage", prefix: "/productpage", service: "productpage" },
  { name: "static", prefix: "/static", service: "productpage" },
  { name: "details", prefix: "/details", service: "details" },
  { name: "reviews", prefix: "/reviews", service: "reviews" },
  { name: "ratings", prefix: "/ratings", service: "ratings" },
];

export function demoIngressBootstrapJson(endpoints: DemoEndpoint[], ingress: { host: string; port: number }): object {
  const services = [...new Set(endpoints.map((e) => e.service))];
  return {
    node: { id: "ingressgateway", cluster: "istio-ingressgateway" },
    static_resources: {
      listeners: [
        {
          name: "ingress-http",
          address: { socket_address: { address: ingress.host, port_value: ingress.port } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "ingress_http",
                    route_config: {
                      name: "ingress-routes",
                      virtual_hosts: [
                        {
                          name: "bookinfo",
                          domains: ["*"],
                          routes: DEMO_ROUTES.map((r) => ({ name: r.name, match: { prefix: r.prefix }, route: { cluster: clusterName(r.service), timeout: "5s" } })),
                        },
                      ],
                    },
                    http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: services.map((service) => ({
        name: clusterName(service),
        type: "STATIC",
        lb_policy: "ROUND_ROBIN",
        connect_timeout: "1s",
        load_assignment: {
          cluster_name: clusterName(service),
          endpoints: [
            {
              locality: { region: "local", zone: "demo" },
              lb_endpoints: endpoints
                .filter((e) => e.service === service)
                .map((e) => ({ endpoint: { address: { socket_address: { address: e.host, port_value: e.port } } } })),
            },
          ],
        },
      })),
    },
  };
}

export function demoIngressBootstrap(endpoints: DemoEndpoint[], ingress: { host: string; port: number }): Bootstrap {
  return bootstrapFromJson(demoIngressBootstrapJson(endpoints, ingress));
}

/** Istio's cluster naming: outbound|PORT|SUBSET|HOST. */
export function clusterName(service: string): string {
  return `outbound|9080||${service}.default.svc.cluster.local`;
}
