// Builds the demo ingress gateway's bootstrap: one listener with path-prefix routes to one STATIC cluster
// per demo service, pointing at the ports the demo services actually bound.

import type { Bootstrap } from "../../proxy-engine";
import type { DemoEndpoint } from "./demo-services";

export const DEMO_ROUTES: { name: string; prefix: string; service: string }[] = [
  { name: "productpage", prefix: "/productpage", service: "productpage" },
  { name: "static", prefix: "/static", service: "productpage" },
  { name: "details", prefix: "/details", service: "details" },
  { name: "reviews", prefix: "/reviews", service: "reviews" },
  { name: "ratings", prefix: "/ratings", service: "ratings" },
];

export function demoIngressBootstrap(endpoints: DemoEndpoint[], ingress: { host: string; port: number }): Bootstrap {
  const services = [...new Set(endpoints.map((e) => e.service))];
  return {
    node: { id: "ingressgateway", cluster: "istio-ingressgateway" },
    static_resources: {
      listeners: [
        {
          name: "ingress-http",
          address: { socket_address: { address: ingress.host, port_value: ingress.port } },
          http_connection_manager: {
            stat_prefix: "ingress_http",
            route_config: {
              name: "ingress-routes",
              virtual_hosts: [
                {
                  name: "bookinfo",
                  domains: ["*"],
                  routes: DEMO_ROUTES.map((r) => ({ name: r.name, match: { prefix: r.prefix }, route: { cluster: clusterName(r.service) } })),
                },
              ],
            },
          },
        },
      ],
      clusters: services.map((service) => ({
        name: clusterName(service),
        type: "STATIC" as const,
        lb_policy: "ROUND_ROBIN" as const,
        connect_timeout: "1s",
        load_assignment: {
          cluster_name: clusterName(service),
          endpoints: [
            {
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

/** Istio's cluster naming: outbound|PORT|SUBSET|HOST. */
export function clusterName(service: string): string {
  return `outbound|9080||${service}.default.svc.cluster.local`;
}
