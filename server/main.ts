// The process: one port for pages + Connect + gRPC, the runtime (proxies, demo mesh), and a clean
// shutdown on SIGINT/SIGTERM that drains in-flight requests and exits 0 within 5 s.

import { connectNodeAdapter } from "@connectrpc/connect-node";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isLoopback } from "../proxy-engine";
import { createFrontDoor } from "./http/front-door";
import { createNextPages, type NextPages } from "./next/next-handler";
import { registerRoutes } from "./rpc/routes";
import { startRuntime } from "./runtime/runtime";
import { runtimeOptionsFromEnv } from "./runtime/runtime-options";
import { loadOrCreateToken, pageGate, rpcInterceptors } from "./security/access-token";
import { applyPageCsp } from "./security/content-security-policy";

const SHUTDOWN_DEADLINE_MS = 5000;
const DRAIN_GRACE_MS = 3000;
/** Largest RPC message accepted from a client. */
const READ_MAX_BYTES = 1 << 20;

async function main(): Promise<void> {
  const env = process.env;
  const host = env.HOST || "127.0.0.1";
  const port = env.PORT === undefined || env.PORT === "" ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env.PORT} is not a port number`);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

  const options = runtimeOptionsFromEnv(env);
  const exposed = !isLoopback(host) || !isLoopback(options.host);
  const access = exposed ? loadOrCreateToken(options.dataDir) : undefined;
  // The admin APIs and the xDS server listen on PROXY_HOST: they need the token when that is exposed.
  const runtime = await startRuntime({ ...options, accessToken: isLoopback(options.host) ? undefined : access?.token });
  let pages: NextPages | undefined;
  const handler = connectNodeAdapter({
    routes: registerRoutes(runtime),
    readMaxBytes: READ_MAX_BYTES,
    interceptors: rpcInterceptors(access?.token),
    fallback(req, res) {
      if (access && pageGate(req as never, res as never, access.token)) return;
      if (req.method === "GET" && req.url === "/metrics") {
        // istiod's monitoring endpoint (pilot_* push, NACK and convergence metrics), then the proxies'
        // Istio standard metrics (istio_requests_total, ...) as Prometheus would scrape them from sidecars.
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        return void res.end(runtime.controlPlane.ads.prometheusText() + runtime.istioMetrics.render());
      }
      if (pages && req.httpVersionMajor === 1) {
        applyPageCsp(req as never, res as never);
        return void pages.handle(req as never, res as never);
      }
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: HTTP/2 on this port serves gRPC only; open the dashboard over HTTP/1.1\n");
    },
  });
  const door = createFrontDoor(handler);
  pages = await createNextPages({ dir: root, hostname: host, port });
  const bound = await door.listen(port, host);

  const url = `http://${bound.address}:${bound.port}`;
  console.log(`meshdash ready`);
  console.log(`  dashboard  ${url}  (pages, Connect, gRPC h2c)`);
  console.log(`  ingress    http://${runtime.ingressAddress() ?? "-"}`);
  console.log(`  xds        ${runtime.xdsAddress()}  (ADS gRPC: envoy.service.discovery.v3.AggregatedDiscoveryService)`);
  for (const p of runtime.proxies) if (p.adminAddress()) console.log(`  admin      http://${p.adminAddress()}  (${p.id})`);
  console.log(`  open ${url}/tap to watch live traffic`);
  if (access) {
    const proxies = isLoopback(options.host) ? "" : ", the admin APIs and the xDS server";
    console.warn(`warning: bound beyond loopback (HOST=${host}, PROXY_HOST=${options.host}); the dashboard, its RPCs and /metrics${proxies} need the access token`);
    if (access.created) console.log(`  access token ${access.token}  (shown once; stored in ${access.file}); sign in: ${url}/?token=${access.token}`);
    else console.log(`  access token stored in ${access.file}; sign in with ${url}/?token=<token>`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining`);
    const deadline = setTimeout(() => {
      console.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS}ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    // Runtime first: it ends tap streams, so the front door's long-lived responses can finish.
    await runtime.stop(DRAIN_GRACE_MS);
    await door.stop(DRAIN_GRACE_MS);
    await pages?.close().catch(() => {});
    console.log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((e: unknown) => {
  console.error(`meshdash failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
