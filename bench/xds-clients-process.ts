// Child process for `npm run bench:xds`: connects COUNT engine xDS clients (sidecar nodes) to the ADS
// server at XDS_ADDRESS. Each decodes, checks completeness and ACKs like a proxy; APPLY=engine makes
// them compile the config with a real engine instead (much heavier: 100 engines on one core).

import { bootstrapFromJson, createProxy, createXdsClient, type Proxy, type XdsClient } from "../proxy-engine";
import { createLogger } from "../proxy-engine/log/logger";

const [host, port] = (process.env.XDS_ADDRESS ?? "127.0.0.1:15010").split(":") as [string, string];
const count = Number(process.env.COUNT ?? 100);
const engine = process.env.APPLY === "engine";
const clients: XdsClient[] = [];
const proxies: Proxy[] = [];

// The benchmark times the first full config from here, after this process has booted.
process.stdout.write("connecting\n");
for (let i = 0; i < count; i++) {
  const id = `sidecar~10.200.${i >> 8}.${i & 255}~bench-${i}.bench~bench.svc.cluster.local`;
  const proxy = engine ? createProxy({ id, role: "sidecar", bootstrap: bootstrapFromJson({ node: { id } }) }) : undefined;
  if (proxy) {
    await proxy.start();
    proxies.push(proxy);
  }
  const client = createXdsClient({
    target: { host, port: Number(port) },
    node: {
      id,
      cluster: "bench",
      metadata: { ROLE: "sidecar", NAMESPACE: "bench", SERVICE: "svc-0000.bench.svc.cluster.local", APP_PORT: "8080", INBOUND_PORT: "0", OUTBOUND_PORT: "0" },
    },
    apply: proxy ? (res, v) => proxy.applyResources(res, v) : async () => {},
    initialFetchTimeoutMs: 60_000,
    logger: createLogger(id, () => {}),
  });
  client.start();
  clients.push(client);
}
await Promise.all(clients.map((c) => c.ready()));
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

async function shutdown() {
  await Promise.all(clients.map((c) => c.stop()));
  await Promise.all(proxies.map((p) => p.stop(0)));
  process.exit(0);
}
