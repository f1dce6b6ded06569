// Test fixture: real HTTP upstreams on ephemeral loopback ports, and Envoy bootstraps that route to them.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Bootstrap } from "../../proto/gen/envoy/config/bootstrap/v3/bootstrap_pb";
import { bootstrapFromJson } from "../config/resources";

export interface TestUpstream {
  name: string;
  port: number;
  /** Sockets accepted so far (to observe connection reuse). */
  connections: number;
  requests: http.IncomingMessage[];
  close(): Promise<void>;
}

export async function startUpstream(name: string, handler?: http.RequestListener): Promise<TestUpstream> {
  const up: TestUpstream = { name, port: 0, connections: 0, requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    up.requests.push(req);
    if (handler) return handler(req, res);
    res.writeHead(200, { "content-type": "text/plain", "x-upstream": name });
    res.end(`${name} ${req.method} ${req.url}`);
  });
  server.on("connection", () => up.connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  up.port = (server.address() as AddressInfo).port;
  up.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return up;
}

/** A port that refuses connections: bound, read, then released. */
export async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
export const ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

export interface ListenerSpec {
  name?: string;
  /** Routes of the single "*" virtual host (ignored when routeConfig is given). */
  routes?: object[];
  /** Extra fields of that virtual host (e.g. typed_per_filter_config). */
  vhost?: object;
  routeConfig?: object;
  /** Extra HttpConnectionManager fields (access_log, upgrade_configs, timeouts, ...). */
  hcm?: object;
  /** HTTP filters before the router. */
  httpFilters?: object[];
  /** Network filters before the connection manager. */
  networkFilters?: object[];
}

/** Envoy JSON for an HTTP listener on an ephemeral loopback port. */
export function listenerJson(spec: ListenerSpec): object {
  const name = spec.name ?? "l";
  return {
    name,
    address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
    filter_chains: [
      {
        filters: [
          ...(spec.networkFilters ?? []),
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE,
              stat_prefix: name,
              route_config: spec.routeConfig ?? { name: "rc", virtual_hosts: [{ name: "vh", domains: ["*"], routes: spec.routes ?? [], ...spec.vhost }] },
              http_filters: [...(spec.httpFilters ?? []), { name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
              ...spec.hcm,
            },
          },
        ],
      },
    ],
  };
}

/** Envoy JSON for an HTTP listener with an inline route configuration. */
export function httpListenerJson(name: string, _port: number, routeConfig: object): object {
  return listenerJson({ name, routeConfig });
}

/** A bootstrap with one listener and the given clusters. */
export function singleListenerBootstrap(spec: ListenerSpec, clusters: object[]): Bootstrap {
  return bootstrapFromJson({ static_resources: { listeners: [listenerJson(spec)], clusters } });
}

export function staticClusterJson(name: string, ports: number[], extra: object = {}): object {
  return {
    name,
    type: "STATIC",
    connect_timeout: "1s",
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p } } } })) }],
    },
    ...extra,
  };
}

/** Envoy JSON routes (as in a virtual host's `routes`) for simple prefix → cluster routing. */
export function prefixRoutes(routes: { prefix: string; cluster: string }[]): object[] {
  return routes.map((r) => ({ name: r.cluster, match: { prefix: r.prefix }, route: { cluster: r.cluster } }));
}

export function bootstrapJson(routes: object[], clusters: Record<string, number[]>, extraClusters: object[] = []): object {
  return {
    static_resources: {
      listeners: [httpListenerJson("ingress", 0, { name: "ingress", virtual_hosts: [{ name: "all", domains: ["*"], routes }] })],
      clusters: [...Object.entries(clusters).map(([name, ports]) => staticClusterJson(name, ports)), ...extraClusters],
    },
  };
}

export function bootstrapFor(routes: { prefix: string; cluster: string }[], clusters: Record<string, number[]>): Bootstrap {
  return bootstrapFromJson(bootstrapJson(prefixRoutes(routes), clusters));
}
