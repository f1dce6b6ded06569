// `npm run bench:tap`: what tap costs the proxy, in one run on loopback. Rows: no tap; a tap that came and
// went (the registry is empty again); a tap active but matching nothing; a tap matching every request at
// the default max_rps (100/s, headers extracted, events drained and encoded as the RPC stream does for a
// binary client: tap-wire's pre-encoding, then Connect's toBinary); and,
// for reference, the same with no rate limit. Each row is a fresh proxy process (this file, run with
// TAP_BENCH_ROLE=proxy) in front of bench/upstream-process.ts; load comes from wrk when installed, else
// autocannon. CPU µs per request in the proxy process is the steadier figure on a shared machine.
// Env: BENCH_DURATION (seconds per row, default 5), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default
// 1; more rounds interleave the rows and report medians).

import { create, toBinary } from "@bufbuild/protobuf";
import autocannon from "autocannon";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MatchSchema, TapEventSchema, type TapEvent } from "../proto/gen/meshdash/tap/v1/tap_pb";
import { compileTapMatch, createProxy, createTap } from "../proxy-engine";
import { singleListenerBootstrap, staticClusterJson } from "../proxy-engine/test-util/upstream";
import { createEventQueue } from "../server/rpc/event-queue";
import { preEncodedTapEvent } from "../server/rpc/tap-wire";

const here = path.dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);

type Mode = "none" | "gone" | "nomatch" | "all" | "all-unlimited";

// ---- proxy role: one engine proxy with the tap setup named by TAP ----

async function runProxy(): Promise<void> {
  const mode = (process.env.TAP ?? "none") as Mode;
  const bootstrap = singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: "up" } }] }, [staticClusterJson("up", [Number(process.env.UPSTREAM_PORT)])]);
  const proxy = createProxy({ id: "bench", role: "gateway", bootstrap });
  await proxy.start();
  let events = 0;
  let encodedBytes = 0;
  if (mode !== "none") {
    const queue = createEventQueue<TapEvent>(10_000);
    const never = create(MatchSchema, { match: { case: "http", value: { match: { case: "path", value: { match: { case: "prefix", value: "/never" } } } } } });
    const tap = createTap({
      limit: 100_000_000,
      match: compileTapMatch(mode === "nomatch" ? never : undefined),
      extractHeaders: true,
      maxRps: mode === "all" ? 100 : 0,
      emit: (e) => queue.push(e),
      onComplete: () => queue.close(),
    });
    const unregister = proxy.taps.register(tap);
    if (mode === "gone") unregister();
    void (async () => {
      for await (const e of queue) {
        events++;
        // What TapService does for a binary (Connect/gRPC) client, then Connect's own serialization.
        encodedBytes += toBinary(TapEventSchema, preEncodedTapEvent(e)).length;
      }
    })();
  }
  console.log(`port ${proxy.listeners()[0]!.address.split(":").pop()}`);
  const rq = proxy.stats.counter("http.ingress.downstream_rq_total");
  let cpu0 = process.cpuUsage();
  let rq0 = 0;
  process.on("SIGUSR1", () => {
    cpu0 = process.cpuUsage();
    rq0 = rq.value;
  });
  process.on("SIGTERM", () => {
    const used = process.cpuUsage(cpu0);
    const requests = rq.value - rq0;
    console.error(`cpu ${((used.user + used.system) / Math.max(1, requests)).toFixed(2)} events ${events} bytes ${encodedBytes}`);
    process.exit(0);
  });
}

// ---- bench role ----

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const WRK = spawnSync("sh", ["-c", "command -v wrk"]).status === 0;

interface Child {
  port: number;
  child: ChildProcess;
  stderr(): string;
}

function start(script: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child, stderr: () => err });
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}: ${err}`)));
  });
}

async function stop(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((r) => c.child.once("exit", r));
  c.child.kill("SIGTERM");
  await exited;
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuUs: number;
  events: number;
}

function wrkMs(text: string, label: string): number {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)\\b`).exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

async function load(port: number, seconds: number): Promise<Omit<Result, "cpuUs" | "events">> {
  const url = `http://127.0.0.1:${port}/bench`;
  if (WRK) {
    const out = spawnSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", url], { encoding: "utf8" }).stdout;
    const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + [...(/Socket errors: (.*)/.exec(out)?.[1] ?? "").matchAll(/\d+/g)].reduce((n, m) => n + Number(m[0]), 0);
    return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN), p50: wrkMs(out, "50%"), p99: wrkMs(out, "99%"), errors };
  }
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function measure(upstreamPort: number, mode: Mode): Promise<Result> {
  const proxy = await start(self, { TAP_BENCH_ROLE: "proxy", TAP: mode, UPSTREAM_PORT: String(upstreamPort) });
  try {
    await load(proxy.port, 1); // warm-up: JIT and connection pools
    proxy.child.kill("SIGUSR1");
    const r = await load(proxy.port, DURATION_S);
    await stop(proxy);
    const m = /cpu ([\d.]+) events (\d+)/.exec(proxy.stderr());
    return { ...r, cpuUs: Number(m?.[1] ?? NaN), events: Number(m?.[2] ?? NaN) };
  } finally {
    await stop(proxy);
  }
}

const ROWS: [Mode, string][] = [
  ["none", "no tap"],
  ["gone", "a tap came and went (idle again)"],
  ["nomatch", "a tap active, matching nothing"],
  ["all", "a tap matching all, max_rps 100"],
  ["all-unlimited", "a tap matching all, no rps limit"],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const num = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");
const pct = (v: number, base: number) => `${v >= base ? "+" : ""}${num(((v - base) / base) * 100, 1)}%`;

async function main(): Promise<void> {
  console.log(`tap benchmark: ${WRK ? "wrk -t1" : "autocannon"} -c${CONNECTIONS}, ${DURATION_S}s per row, ${ROUNDS} round(s), 64-byte bodies, node ${process.version}`);
  const upstream = await start(path.join(here, "upstream-process.ts"), { BODY_BYTES: "64" });
  const results = new Map<Mode, Result[]>(ROWS.map(([m]) => [m, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) for (const [mode] of ROWS) results.get(mode)!.push(await measure(upstream.port, mode));
  } finally {
    await stop(upstream);
  }
  const row = (mode: Mode): Result => {
    const rs = results.get(mode)!;
    const pick = (k: keyof Result) => median(rs.map((r) => r[k]));
    return { rps: pick("rps"), p50: pick("p50"), p99: pick("p99"), errors: pick("errors"), cpuUs: pick("cpuUs"), events: pick("events") };
  };
  const base = row("none");
  console.log(`\n${"proxy with".padEnd(36)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"cpu µs/rq".padStart(9)} ${"Δ req/s".padStart(8)} ${"Δ cpu".padStart(7)} ${"events".padStart(8)} ${"errors".padStart(6)}`);
  for (const [mode, label] of ROWS) {
    const r = row(mode);
    const delta = mode === "none" ? ["—", "—"] : [pct(r.rps, base.rps), pct(r.cpuUs, base.cpuUs)];
    console.log(
      `${label.padEnd(36)} ${num(r.rps).padStart(8)} ${num(r.p50, 2).padStart(7)} ${num(r.p99, 2).padStart(7)} ${num(r.cpuUs, 1).padStart(9)} ${delta[0]!.padStart(8)} ${delta[1]!.padStart(7)} ${num(r.events).padStart(8)} ${String(r.errors).padStart(6)}`,
    );
  }
  const gone = row("gone");
  const nomatch = row("nomatch");
  console.log(
    `\nidle tap (no tap is active) is one branch per request: a tap that came and went is at ${pct(gone.cpuUs, base.cpuUs)} CPU/request and ${pct(gone.rps, base.rps)} req/s of no tap; ` +
      `an active tap that matches nothing costs ${pct(nomatch.cpuUs, base.cpuUs)} CPU/request. Differences within a few percent are this machine's noise (BENCH_ROUNDS=3 for medians).`,
  );
}

if (process.env.TAP_BENCH_ROLE === "proxy") await runProxy();
else
  await main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
