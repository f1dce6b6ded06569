// `npm run bench:lb`: time per pick for each load balancing policy with 10, 100 and 1,000 hosts (equal
// and mixed weights), against the 1 µs target, plus the time to build each picker; then end-to-end
// requests/s through the proxy to 10 endpoints with each policy (wrk when installed).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { LbHost, LoadBalancer } from "../proxy-engine/lb/common/load-balancer";
import { createLeastRequest } from "../proxy-engine/lb/least-request/least-request";
import { createMaglev } from "../proxy-engine/lb/maglev/maglev";
import { createRandom } from "../proxy-engine/lb/random/random";
import { createRingHash } from "../proxy-engine/lb/ring-hash/ring-hash";
import { createRoundRobin } from "../proxy-engine/lb/round-robin/round-robin";

const PICKS = Number(process.env.BENCH_PICKS ?? 2_000_000);
const TARGET_NS = 1000;

const POLICIES: [string, (h: LbHost[]) => LoadBalancer<LbHost>][] = [
  ["ROUND_ROBIN", (h) => createRoundRobin(h)],
  ["LEAST_REQUEST", (h) => createLeastRequest(h)],
  ["RANDOM", (h) => createRandom(h)],
  ["RING_HASH", (h) => createRingHash(h)],
  ["MAGLEV", (h) => createMaglev(h)],
];

function hostsOf(n: number, weighted: boolean): LbHost[] {
  return Array.from({ length: n }, (_, i) => ({ address: `10.${(i >> 8) & 255}.${i & 255}.1:8080`, weight: weighted ? 1 + (i % 5) : 1, stats: { rq_active: i % 7 } }));
}

const hashes = new Uint32Array(1 << 16).map(() => (Math.random() * 0x100000000) >>> 0);

function nsPerPick(lb: LoadBalancer<LbHost>): number {
  let sink = 0;
  for (let i = 0; i < 100_000; i++) sink += lb.pick(hashes[i & 0xffff])!.weight; // warm up
  const t0 = performance.now();
  for (let i = 0; i < PICKS; i++) sink += lb.pick(hashes[i & 0xffff])!.weight;
  const ns = ((performance.now() - t0) * 1e6) / PICKS;
  if (sink < 0) console.log(sink);
  return ns;
}

console.log(`load balancer pick cost: ${PICKS.toLocaleString()} picks per cell, node ${process.version}, target ≤ ${TARGET_NS} ns\n`);
console.log(["policy".padEnd(14), "hosts".padStart(6), "weights".padStart(8), "build ms".padStart(9), "ns/pick".padStart(9), "target".padStart(7)].join(" "));
let failed = 0;
for (const [name, make] of POLICIES) {
  for (const n of [10, 100, 1000]) {
    for (const weighted of [false, true]) {
      const hosts = hostsOf(n, weighted);
      const t0 = performance.now();
      const lb = make(hosts);
      const build = performance.now() - t0;
      const ns = nsPerPick(lb);
      const ok = ns <= TARGET_NS;
      if (!ok) failed++;
      console.log([name.padEnd(14), String(n).padStart(6), (weighted ? "mixed" : "equal").padStart(8), build.toFixed(2).padStart(9), ns.toFixed(1).padStart(9), (ok ? "ok" : "MISS").padStart(7)].join(" "));
    }
  }
}
console.log(`\n${failed === 0 ? "every policy picks within target" : `${failed} cells over target`}`);

const here = path.dirname(fileURLToPath(import.meta.url));

function startNode(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const want = Number(env.COUNT ?? 1);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const ports = [...out.matchAll(/port (\d+)/g)].map((m) => Number(m[1]));
      if (ports.length >= want) resolve({ child, ports });
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

if (spawnSync("sh", ["-c", "command -v wrk"]).status === 0) {
  console.log(`\nend to end through the proxy, 10 endpoints, wrk -t1 -c32 -d3s`);
  console.log(["policy".padEnd(14), "req/s".padStart(9), "p99".padStart(10)].join(" "));
  const upstreams = await startNode("upstream-process.ts", { COUNT: "10" });
  try {
    for (const [name] of POLICIES) {
      const proxy = await startNode("proxy-process.ts", { UPSTREAM_PORTS: upstreams.ports.join(","), LB_POLICY: name, TAP: "none" });
      try {
        const url = `http://127.0.0.1:${proxy.ports[0]}/bench`;
        spawnSync("wrk", ["-t1", "-c32", "-d1s", url]);
        const out = spawnSync("wrk", ["-t1", "-c32", "-d3s", "--latency", url], { encoding: "utf8" }).stdout;
        console.log([name.padEnd(14), (/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? "n/a").padStart(9), (/99%\s+(\S+)/.exec(out)?.[1] ?? "n/a").padStart(10)].join(" "));
      } finally {
        await stop(proxy.child);
      }
    }
  } finally {
    await stop(upstreams.child);
  }
} else {
  console.log("\n(end-to-end rows need wrk: apt-get install wrk)");
}
