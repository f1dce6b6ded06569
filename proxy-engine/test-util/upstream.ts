// Test fixture: real HTTP upstreams on ephemeral loopback ports, and a bootstrap that routes to them.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Bootstrap } from "../config/bootstrap";

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

export function bootstrapFor(routes: { prefix: string; cluster: string }[], clusters: Record<string, number[]>): Bootstrap {
  return {
    static_resources: {
      listeners: [
        {
          name: "ingress",
          address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
          http_connection_manager: {
            stat_prefix: "ingress",
            route_config: {
              name: "ingress",
              virtual_hosts: [
                { name: "all", domains: ["*"], routes: routes.map((r) => ({ name: r.cluster, match: { prefix: r.prefix }, route: { cluster: r.cluster } })) },
              ],
            },
          },
        },
      ],
      clusters: Object.entries(clusters).map(([name, ports]) => ({
        name,
        connect_timeout: "1s",
        load_assignment: {
          cluster_name: name,
          endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p } } } })) }],
        },
      })),
    },
  };
}
