// The embedded demo mesh's workloads: a Bookinfo-like set (productpage, details, reviews v1-v3, ratings),
// each a real HTTP server on an ephemeral loopback port. Like Bookinfo, productpage calls details and
// reviews, and reviews v2/v3 call ratings, always through the workload's own sidecar (outbound listener).

import http from "node:http";
import type { AddressInfo } from "node:net";

export interface DemoWorkload {
  service: string;
  version: string;
  /** Workload (pod) name, e.g. "reviews-v2-0". */
  name: string;
  host: string;
  /** The app's own port (the sidecar's inbound listener forwards here). */
  port: number;
  /** Where the app sends its calls to other services: its sidecar's outbound listener. */
  outbound?: { host: string; port: number };
}

export interface DemoServices {
  workloads: DemoWorkload[];
  stop(): Promise<void>;
}

export const DEMO_NAMESPACE = "default";
export const DEMO_SERVICE_PORT = 9080;

interface Reply {
  status: number;
  body: unknown;
  delayMs: number;
}
type Call = (service: string, path: string) => Promise<{ status: number; body: unknown }>;
type Behaviour = (req: http.IncomingMessage, url: URL, version: string, call: Call) => Promise<Reply> | Reply;

const jitter = (min: number, max: number) => min + Math.random() * (max - min);
const idOf = (url: URL) => url.pathname.split("/")[2] ?? "1";

const BEHAVIOURS: Record<string, Behaviour> = {
  productpage: async (_req, url, _v, call) => {
    if (url.pathname.startsWith("/static")) return { status: 200, body: { asset: url.pathname }, delayMs: jitter(1, 5) };
    const id = url.searchParams.get("id") ?? "1";
    const [details, reviews] = await Promise.all([call("details", `/details/${id}`), call("reviews", `/reviews/${id}`)]);
    const degraded = details.status >= 500 || reviews.status >= 500;
    return { status: 200, body: { page: url.pathname, details: details.body, reviews: reviews.body, degraded }, delayMs: jitter(2, 10) };
  },
  details: (_req, url) => {
    const id = idOf(url);
    if (id === "0") return { status: 404, body: { error: `product ${id} not found` }, delayMs: jitter(1, 5) };
    return { status: 200, body: { id, author: "William Shakespeare", year: 1595, type: "paperback" }, delayMs: jitter(2, 15) };
  },
  // reviews v1 shows no stars; v2 and v3 ask ratings. v3 is the slow one people go looking for in tap.
  reviews: async (_req, url, version, call) => {
    const id = idOf(url);
    const ratings = version === "v1" ? undefined : await call("ratings", `/ratings/${id}`);
    return {
      status: 200,
      body: { id, reviews: [{ reviewer: "Reviewer1", stars: ratings?.status === 200 ? 5 : undefined }], ratingsStatus: ratings?.status },
      delayMs: version === "v3" ? jitter(300, 1200) : jitter(5, 60),
    };
  },
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
  const workloads: DemoWorkload[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  for (const { service, versions } of TOPOLOGY) {
    const behave = BEHAVIOURS[service]!;
    const count = new Map<string, number>();
    for (const version of versions) {
      const n = count.get(version) ?? 0;
      count.set(version, n + 1);
      const workload: DemoWorkload = { service, version, name: `${service}-${version}-${n}`, host, port: 0 };
      const server = http.createServer((req, res) => {
        req.resume();
        const requestId = req.headers["x-request-id"];
        const call: Call = (target, path) => callThroughSidecar(agent, workload, target, path, typeof requestId === "string" ? requestId : undefined);
        Promise.resolve(behave(req, new URL(req.url ?? "/", "http://demo"), version, call))
          .catch((e: unknown) => ({ status: 500, body: { error: (e as Error).message }, delayMs: 0 }))
          .then(({ status, body, delayMs }) => {
            const t = setTimeout(() => {
              timers.delete(t);
              res.writeHead(status, { "content-type": "application/json", "x-demo-version": version });
              res.end(JSON.stringify({ service, version, ...(body as object) }));
            }, delayMs);
            timers.add(t);
          });
      });
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      workload.port = (server.address() as AddressInfo).port;
      servers.push(server);
      workloads.push(workload);
    }
  }
  return {
    workloads,
    async stop() {
      for (const t of timers) clearTimeout(t);
      agent.destroy();
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

/** A call to another service as a meshed app makes it: plain HTTP to the local sidecar, Host naming the service. */
function callThroughSidecar(agent: http.Agent, from: DemoWorkload, service: string, path: string, requestId: string | undefined): Promise<{ status: number; body: unknown }> {
  const via = from.outbound;
  if (!via) return Promise.resolve({ status: 503, body: { error: "sidecar not ready" } });
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: via.host, port: via.port, path, headers: { host: `${service}:${DEMO_SERVICE_PORT}`, ...(requestId ? { "x-request-id": requestId } : {}) }, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            body = Buffer.concat(chunks).toString("utf8").slice(0, 200);
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on("error", () => resolve({ status: 502, body: { error: "response aborted" } }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 503, body: { error: e.message } }));
    req.end();
  });
}
