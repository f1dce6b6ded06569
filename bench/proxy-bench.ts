// `npm run bench:proxy`: requests/s and latency through this proxy, on loopback, in one run against:
// the upstream directly, the bare minimum Node proxy (node:http + undici: the ceiling for any Node proxy),
// node's http-proxy with keep-alive, and nginx as a reverse proxy when installed (Debian's nginx-light). Grid: 32 and 128 connections × 64-byte and 4 KiB bodies, plus
// HTTP/2 through the proxy with h2load when installed. What a tap costs is bench:tap's (paired windows in one
// process): one fresh process per case, as here, moves ±20% between identical runs on this machine.
// Each server runs in its own process, pinned like the other benches (bench-kit.ts: the proxy under test on
// CPU 0, load and upstream on CPU 1; BENCH_PIN=0 turns it off); the load generator is wrk when installed,
// else autocannon.
// Env: BENCH_DURATION (seconds per cell, default 5), BENCH_QUICK=1 (32 connections, 64 B only), BENCH_ROUNDS
// (default 1; more rounds interleave the subjects and report medians, and ratios as medians of per-round ratios),
// BENCH_CONNS (connection counts, comma-separated, instead of the grid's).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DURATION_S, LOAD_CPU, LOADER, loadConnections, median, num, PIN, pinned, PROXY_CPU, ROUNDS, startChild, startWarmUpstream, stopChild, type LoadResult } from "./bench-kit";

const here = path.dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_QUICK === "1";
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const NGINX = has("nginx") ? "nginx" : has("/usr/sbin/nginx") ? "/usr/sbin/nginx" : undefined;
const H2LOAD = has("h2load");

interface Server {
  port: number;
  stop(): Promise<void>;
}

/** A bench/ process on the proxy's CPU (when pinning). */
async function nodeServer(script: string, env: Record<string, string>): Promise<Server> {
  const c = await startChild(path.join(here, script), env);
  return { port: c.port, stop: () => stopChild(c) };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** nginx with one worker (the proxy is one event loop too), upstream keep-alive, no logging. */
async function nginxServer(upstreamPort: number): Promise<Server> {
  const dir = mkdtempSync(path.join(tmpdir(), "meshdash-nginx-"));
  const port = await freePort();
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header X-Forwarded-For $remote_addr; }
  }
}
`,
  );
  const [cmd, args] = pinned(PROXY_CPU, NGINX!, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"]);
  const child = spawn(cmd, args, { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, "127.0.0.1", () => (c.destroy(), r(true)));
      c.on("error", () => r(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Result = LoadResult;

/** One warm-up second (JIT, connection pools), then the measured run. */
async function load(port: number, connections: number, seconds = DURATION_S): Promise<Result> {
  await loadConnections(port, connections, 1);
  return loadConnections(port, connections, seconds);
}

function h2Load(port: number): string {
  const [cmd, args] = pinned(LOAD_CPU, "h2load", ["-D", String(DURATION_S), "--warm-up-time", "1", "-c", "32", "-m", "10", `http://127.0.0.1:${port}/bench`]);
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  const rps = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(r.stdout)?.[1];
  const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(r.stdout)?.[1];
  const failed = /(\d+) failed/.exec(r.stdout)?.[1];
  return rps ? `${Number(rps).toFixed(0)} req/s, mean ${mean}, ${failed ?? "?"} failed` : `h2load failed: ${r.stdout.split("\n").slice(-3).join(" ")}`;
}

const pad = (s: string, n: number) => s.padEnd(n);

async function main(): Promise<void> {
  console.log(
    `proxy benchmark: ${LOADER}, ${DURATION_S}s per cell, node ${process.version}, nginx ${NGINX ? "yes (1 worker)" : "not installed"}${PIN ? `, proxies pinned to CPU ${PROXY_CPU}, load and upstream to CPU ${LOAD_CPU}` : ""}`,
  );
  const bodies = QUICK ? [64] : [64, 4096];
  const conns = process.env.BENCH_CONNS ? process.env.BENCH_CONNS.split(",").map(Number) : QUICK ? [32] : [32, 128];
  const verdicts: string[] = [];
  for (const bodyBytes of bodies) {
    const up = await startWarmUpstream(path.join(here, "upstream-process.ts"), bodyBytes);
    const upstream: Server = { port: up.port, stop: () => stopChild(up) };
    const subjects: [string, () => Promise<Server>][] = [
      ["direct to upstream", async () => ({ port: upstream.port, stop: async () => {} })],
      ["meshdash proxy", () => nodeServer("proxy-process.ts", { UPSTREAM_PORT: String(upstream.port), TAP: "none" })],
      ["node:http + undici, bare", () => nodeServer("minimal-proxy-process.ts", { UPSTREAM_PORT: String(upstream.port) })],
      ["http-proxy (keep-alive)", () => nodeServer("http-proxy-process.ts", { UPSTREAM_PORT: String(upstream.port) })],
      ...(NGINX ? ([["nginx reverse proxy", () => nginxServer(upstream.port)]] as [string, () => Promise<Server>][]) : []),
    ];
    for (const c of conns) {
      // Each round runs every subject once, in a rotated order; a cell shows each subject's medians, and a
      // ratio is the median of the per-round ratios (pairing cancels this VM's slow drifts).
      const runs = new Map<string, Result[]>(subjects.map(([name]) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < subjects.length; i++) {
          const [name, start] = subjects[(i + round) % subjects.length]!;
          const s = await start();
          try {
            runs.get(name)!.push(await load(s.port, c));
          } finally {
            await s.stop();
          }
        }
      }
      const rows: [string, Result][] = subjects.map(([name]) => {
        const rs = runs.get(name)!;
        return [name, { rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), errors: rs.reduce((n, r) => n + r.errors, 0) }];
      });
      const ratio = (a: string, b: string, k: "rps" | "p99") => {
        const ra = runs.get(a);
        const rb = runs.get(b);
        return ra && rb ? median(ra.map((r, i) => r[k] / rb[i]![k])) : NaN;
      };
      const ours = "meshdash proxy";
      const hp = "http-proxy (keep-alive)";
      const bare = "node:http + undici, bare";
      const ng = "nginx reverse proxy";
      console.log(`\n${bodyBytes}-byte bodies, ${c} connections${ROUNDS > 1 ? ` (medians of ${ROUNDS} rounds)` : ""}`);
      console.log([pad("subject", 26), "req/s".padStart(9), "p50 ms".padStart(8), "p99 ms".padStart(8), "errors".padStart(7), "meshdash ÷ it".padStart(14)].join(" "));
      for (const [name, r] of rows) {
        const vs = name === ours ? "—" : `${num(ratio(ours, name, "rps"), 2)}×`;
        console.log([pad(name, 26), num(r.rps).padStart(9), num(r.p50, 2).padStart(8), num(r.p99, 2).padStart(8), String(r.errors).padStart(7), vs.padStart(14)].join(" "));
      }
      if (ROUNDS > 1) console.log(`meshdash rps by round: ${runs.get(ours)!.map((r) => num(r.rps)).join(", ")}${NGINX ? `; nginx: ${runs.get(ng)!.map((r) => num(r.rps)).join(", ")}` : ""}`);
      if (bodyBytes === 64) {
        verdicts.push(`${c} conns: meshdash/http-proxy rps ${num(ratio(ours, hp, "rps"), 2)}× (target ≥ 1.5); meshdash/bare node:http + undici ${num(ratio(ours, bare, "rps"), 2)}×`);
        if (NGINX) {
          verdicts.push(`${c} conns: meshdash/nginx rps ${num(ratio(ours, ng, "rps"), 2)}× (target ≥ 0.6), p99 ${num(ratio(ours, ng, "p99"), 2)}× nginx's (target ≤ 2)`);
          verdicts.push(`${c} conns: the bare Node proxy itself reaches ${num(ratio(bare, ng, "rps"), 2)}× nginx's rps and ${num(ratio(bare, ng, "p99"), 2)}× its p99 on this machine`);
        }
      }
    }
    if (bodyBytes === 64) {
      if (H2LOAD) {
        const s = await nodeServer("proxy-process.ts", { UPSTREAM_PORT: String(upstream.port), TAP: "none" });
        try {
          console.log(`\nHTTP/2 (h2c) through the proxy, h2load -c 32 -m 10: ${h2Load(s.port)}`);
        } finally {
          await s.stop();
        }
      }
    }
    await upstream.stop();
  }
  console.log(`\ntargets (64-byte bodies):\n  ${verdicts.join("\n  ")}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
