// `npm run bench:xds`: the control plane under Istio-scale load. 1,000 services × 10 endpoints in the
// registry, 100 engine xDS clients in a child process (so the figures are the control plane's own),
// then: time to the first full config on every client (from when they start connecting), one route
// change and one endpoint change written → ACKed by all clients (p50/p99 over ROUNDS), and the control
// plane's RSS, against targets. CLIENT_NODE_ARGS passes node flags to the clients process (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile both sides with `node --cpu-prof --import tsx`).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyConfigYaml } from "../server/control-plane/changes/config-changes";
import { createControlPlane } from "../server/control-plane/control-plane";
import type { Service, WorkloadInstance } from "../server/control-plane/registry/registry-types";
import { createServiceRegistry } from "../server/control-plane/registry/service-registry";
import { openSqliteConfigStore } from "../server/control-plane/store/sqlite-config-store";
import type { XdsType } from "../server/xds/xds-types";

const SERVICES = Number(process.env.SERVICES ?? 1000);
const ENDPOINTS = Number(process.env.ENDPOINTS ?? 10);
const CLIENTS = Number(process.env.CLIENTS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const here = path.dirname(fileURLToPath(import.meta.url));

function registryContent(generation: number): { services: Service[]; instances: WorkloadInstance[] } {
  const services: Service[] = [];
  const instances: WorkloadInstance[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const name = `svc-${String(s).padStart(4, "0")}`;
    const hostname = `${name}.bench.svc.cluster.local`;
    services.push({ name, namespace: "bench", hostname, ports: [{ name: "http", port: 8080, protocol: "HTTP" }] });
    for (let e = 0; e < ENDPOINTS; e++) {
      // The endpoint change moves one endpoint of svc-0000 per generation.
      const last = s === 0 && e === 0 ? 100 + (generation % 100) : e + 1;
      instances.push({ service: hostname, name: `${name}-${e}`, address: `10.${s >> 8}.${s & 255}.${last}`, ports: {}, labels: { app: name, version: e % 2 ? "v2" : "v1" }, locality: { region: "r1", zone: `z${e % 3}`, subZone: "" }, healthy: true });
    }
  }
  return { services, instances };
}

const rules = (w: number) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: svc-0000, namespace: bench }
spec:
  host: svc-0000
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: svc-0000, namespace: bench }
spec:
  hosts: [svc-0000]
  http:
    - route:
        - { destination: { host: svc-0000, subset: v1 }, weight: ${w} }
        - { destination: { host: svc-0000, subset: v2 }, weight: ${100 - w} }
`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "meshdash-bench-xds-"));
  const store = openSqliteConfigStore({ path: path.join(dir, "config.db") });
  const registry = createServiceRegistry();
  let generation = 0;
  registry.setSource("bench", registryContent(generation));
  const cp = createControlPlane({ store, registry, xds: { host: "127.0.0.1", port: 0 }, log: () => {} });
  await applyConfigYaml(cp, { yaml: rules(50), expectedRevision: 0, author: "bench", message: "seed", dryRun: false });
  await cp.idle();
  const address = await cp.start();
  const rssBase = process.memoryUsage().rss;

  // Resolves when every client has ACKed a version of `type` newer than the one it held before.
  const allAcked = (type: XdsType, before: Map<string, string>) =>
    new Promise<number>((resolve) => {
      const check = () => {
        const st = cp.ads.status();
        if (st.length < CLIENTS) return false;
        for (const p of st) {
          const t = p.types.find((x) => x.type === type);
          if (!t || t.state !== "SYNCED" || t.ackedVersion === before.get(p.node.id)) return false;
        }
        off();
        clearInterval(poll);
        resolve(performance.now());
        return true;
      };
      const off = cp.ads.onStatus(() => void check());
      const poll = setInterval(check, 5);
      check();
    });
  const versions = (type: XdsType) => new Map(cp.ads.status().map((p) => [p.node.id, p.types.find((t) => t.type === type)?.ackedVersion ?? ""]));

  const t0 = performance.now();
  const child = spawn(process.execPath, [...(process.env.CLIENT_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", path.join(here, "xds-clients-process.ts")], {
    env: { ...process.env, XDS_ADDRESS: address, COUNT: String(CLIENTS) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  // From "connecting" (the child booted: node, tsx, the engine's modules) to every client's first full
  // config; the boot itself is reported separately and is not the control plane's time.
  let connectingAt = NaN;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const text = d.toString();
      if (text.includes("connecting")) connectingAt = performance.now();
      if (text.includes("ready")) resolve();
    });
    child.once("exit", (c) => reject(new Error(`client process exited with ${c}`)));
  });
  const firstFull = performance.now() - connectingAt;
  const boot = connectingAt - t0;

  const routeMs: number[] = [];
  const edsMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let before = versions("route");
    let start = performance.now();
    const done = allAcked("route", before);
    await applyConfigYaml(cp, { yaml: rules(i % 2 ? 50 : 70), expectedRevision: store.head(), author: "bench", message: `round ${i}`, dryRun: false });
    routeMs.push((await done) - start);
    before = versions("endpoint");
    start = performance.now();
    const eds = allAcked("endpoint", before);
    registry.setSource("bench", registryContent(++generation));
    edsMs.push((await eds) - start);
  }
  const rss = process.memoryUsage().rss;
  const m = cp.ads.metrics();

  const rows: [string, string, string, boolean][] = [
    ["first full config, all clients", `${firstFull.toFixed(0)} ms`, "≤ 2000 ms", firstFull <= 2000],
    ["route change → all ACK, p50", `${pct(routeMs, 50).toFixed(1)} ms`, "(100 ms debounce)", true],
    ["route change → all ACK, p99", `${pct(routeMs, 99).toFixed(1)} ms`, "≤ 250 ms", pct(routeMs, 99) <= 250],
    ["endpoint change → all ACK, p50", `${pct(edsMs, 50).toFixed(1)} ms`, "(100 ms debounce)", true],
    ["endpoint change → all ACK, p99", `${pct(edsMs, 99).toFixed(1)} ms`, "≤ 250 ms", pct(edsMs, 99) <= 250],
    ["control-plane RSS", `${(rss / 2 ** 20).toFixed(0)} MiB`, "≤ 300 MiB", rss <= 300 * 2 ** 20],
  ];
  console.log(`xDS control plane: ${SERVICES} services × ${ENDPOINTS} endpoints, ${CLIENTS} engine xDS clients (child process), ${ROUNDS} rounds, node ${process.version}`);
  console.log(`baseline: the debounce alone (PILOT_DEBOUNCE_AFTER) is 100 ms of each change's time; RSS before clients ${(rssBase / 2 ** 20).toFixed(0)} MiB`);
  console.log(`first full config is timed from the clients connecting; the client process booted in ${boot.toFixed(0)} ms before that\n`);
  console.log(["measure".padEnd(34), "result".padStart(12), "target".padStart(20), "".padStart(5)].join(" "));
  for (const [k, v, t, ok] of rows) console.log([k.padEnd(34), v.padStart(12), t.padStart(20), (ok ? "ok" : "MISS").padStart(5)].join(" "));
  console.log(`\npushes by type: ${JSON.stringify(m)}`.slice(0, 400));

  child.stdin!.end();
  await new Promise((r) => child.once("exit", r));
  await cp.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(rows.every((r) => r[3]) ? 0 : 1);
}

void main();
