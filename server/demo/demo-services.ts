// The embedded demo mesh's upstream services: a Bookinfo-like set (productpage, details, reviews v1-v3,
// ratings), each a real HTTP server on an ephemeral loopback port, with realistic latency and failures.

import http from "node:http";
import type { AddressInfo } from "node:net";

export interface DemoEndpoint {
  service: string;
  version: string;
  host: string;
  port: number;
}

export interface DemoServices {
  endpoints: DemoEndpoint[];
  stop(): Promise<void>;
}

type Behaviour = (req: http.IncomingMessage, url: URL, version: string) => { status: number; body: unknown; delayMs: number };

const jitter = (min: number, max: number) => min + Math.random() * (max - min);

const BEHAVIOURS: Record<string, Behaviour> = {
  productpage: (_req, url) => ({ status: 200, body: { page: url.pathname, products: [0, 1, 2] }, delayMs: jitter(5, 40) }),
  details: (_req, url) => {
    const id = url.pathname.split("/")[2] ?? "";
    if (id === "0") return { status: 404, body: { error: `product ${id} not found` }, delayMs: jitter(1, 5) };
    return { status: 200, body: { id, author: "William Shakespeare", year: 1595, type: "paperback" }, delayMs: jitter(2, 15) };
  },
  // reviews v3 is the slow one: the requests people go looking for in tap.
  reviews: (_req, url, version) => ({
    status: 200,
    body: { id: url.pathname.split("/")[2] ?? "", reviews: [{ reviewer: "Reviewer1", stars: 5 }] },
    delayMs: version === "v3" ? jitter(300, 1200) : jitter(5, 60),
  }),
  ratings: (req) => {
    if (req.method === "POST") return { status: 201, body: { ok: true }, delayMs: jitter(2, 10) };
    // About one rating request in twelve fails, as an overloaded backend would.
    if (Math.random() < 0.08) return { status: 503, body: { error: "ratings backend unavailable" }, delayMs: jitter(1, 5) };
    return { status: 200, body: { ratings: { Reviewer1: 5, Reviewer2: 4 } }, delayMs: jitter(2, 20) };
  },
};

const TOPOLOGY: { service: string; versions: string[] }[] = [
  { service: "productpage", versions: ["v1", "v1"] },
  { service: "details", versions: ["v1", "v1"] },
  { service: "reviews", versions: ["v1", "v2", "v3"] },
  { service: "ratings", versions: ["v1", "v1"] },
];

export async function startDemoServices(host = "127.0.0.1"): Promise<DemoServices> {
  const servers: http.Server[] = [];
  const endpoints: DemoEndpoint[] = [];
  const timers = new Set<NodeJS.Timeout>();
  for (const { service, versions } of TOPOLOGY) {
    const behave = BEHAVIOURS[service]!;
    for (const version of versions) {
      const server = http.createServer((req, res) => {
        const { status, body, delayMs } = behave(req, new URL(req.url ?? "/", "http://demo"), version);
        req.resume();
        const t = setTimeout(() => {
          timers.delete(t);
          const payload = JSON.stringify({ service, version, ...(body as object) });
          res.writeHead(status, { "content-type": "application/json", "x-demo-version": version });
          res.end(payload);
        }, delayMs);
        timers.add(t);
      });
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      servers.push(server);
      endpoints.push({ service, version, host, port: (server.address() as AddressInfo).port });
    }
  }
  return {
    endpoints,
    async stop() {
      for (const t of timers) clearTimeout(t);
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
