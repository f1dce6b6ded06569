// What the proxy-cost benchmarks (bench:tap, bench:policy) share: run settings from the environment,
// child processes that print "port N", a fixed-concurrency HTTP load (wrk when installed, else
// autocannon), the proxy role's CPU-per-request meter, and medians over interleaved rounds.

import autocannon from "autocannon";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Counter } from "../proxy-engine";

export const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
export const WRK = spawnSync("sh", ["-c", "command -v wrk"]).status === 0;
export const LOADER = WRK ? "wrk -t1" : "autocannon";
/**
 * On a machine with two or more CPUs the proxy under test gets CPU 0 to itself and the load generator and
 * upstream share CPU 1 (BENCH_PIN=0 turns this off). Unpinned, three busy processes on two CPUs make the
 * scheduler's placement part of every figure: rows moved ±20% between identical runs here.
 */
export const PIN = process.env.BENCH_PIN !== "0" && availableParallelism() >= 2 && spawnSync("sh", ["-c", "command -v taskset"]).status === 0;
export const PROXY_CPU = "0";
export const LOAD_CPU = "1";

/** `cmd args` pinned to `cpus` when pinning is on. */
export function pinned(cpus: string, cmd: string, args: string[]): [string, string[]] {
  return PIN ? ["taskset", ["-c", cpus, cmd, ...args]] : [cmd, args];
}

export interface Child {
  port: number;
  child: ChildProcess;
  /** What it printed up to its "port N" line (a child may name more ports there). */
  banner: string;
  stderr(): string;
}

/** Runs `script` with tsx (on `cpus` when pinning) and resolves once it prints "port N". */
export function startChild(script: string, env: Record<string, string>, cpus = PROXY_CPU): Promise<Child> {
  const [cmd, args] = pinned(cpus, process.execPath, ["--import", "tsx", script]);
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child, banner: out, stderr: () => err });
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}: ${err}`)));
  });
}

/**
 * bench/upstream-process.ts answering `bodyBytes`-byte bodies, warmed up first: otherwise the first row
 * measured would also pay for the upstream's cold JIT, and look slower than the rows after it.
 */
export async function startWarmUpstream(script: string, bodyBytes: number): Promise<Child> {
  const upstream = await startChild(script, { BODY_BYTES: String(bodyBytes) }, LOAD_CPU);
  await loadHttp(upstream.port, 2);
  return upstream;
}

export async function stopChild(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((r) => c.child.once("exit", r));
  c.child.kill("SIGTERM");
  await exited;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A latency from wrk's --latency table, in ms. */
export function wrkMs(text: string, label: string): number {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)\\b`).exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

/** One wrk thread (pinned with the load) with `args`; its rate, p50/p99 and non-2xx plus socket errors. */
function runWrk(args: string[], env: Record<string, string> = {}): LoadResult {
  const [cmd, all] = pinned(LOAD_CPU, "wrk", ["-t1", "--latency", ...args]);
  const out = spawnSync(cmd, all, { encoding: "utf8", env: { ...process.env, ...env } }).stdout;
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + [...(/Socket errors: (.*)/.exec(out)?.[1] ?? "").matchAll(/\d+/g)].reduce((n, m) => n + Number(m[0]), 0);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN), p50: wrkMs(out, "50%"), p99: wrkMs(out, "99%"), errors };
}

/** CONNECTIONS keep-alive connections sending GET /bench to the port for `seconds`. */
export function loadHttp(port: number, seconds: number): Promise<LoadResult> {
  return loadConnections(port, CONNECTIONS, seconds);
}

/** `connections` keep-alive connections sending GET /bench to the port for `seconds`. */
export async function loadConnections(port: number, connections: number, seconds: number): Promise<LoadResult> {
  const url = `http://127.0.0.1:${port}/bench`;
  if (WRK) {
    return runWrk([`-c${connections}`, `-d${seconds}s`, url]);
  }
  const r = await autocannon({ url, connections, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/**
 * Load that runs until stopped (or for at most `seconds`): for benches that change the proxy's state while
 * it is loaded and read its own counters at the edges of each window.
 */
export function startLoad(port: number, seconds: number): { stop(): Promise<void> } {
  const url = `http://127.0.0.1:${port}/bench`;
  if (WRK) {
    const [cmd, args] = pinned(LOAD_CPU, "wrk", ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, url]);
    const child = spawn(cmd, args, { stdio: "ignore" });
    const exited = new Promise((r) => child.once("exit", r));
    return {
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
      },
    };
  }
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds }, () => finished());
  return {
    async stop() {
      instance.stop();
      await done;
    },
  };
}

/**
 * Latency without queueing: one keep-alive connection sending a request as soon as the last one returns.
 * At saturation p99 is mostly queueing, which grows with any added CPU; here it is what a request itself
 * costs (plus this machine's scheduling noise).
 */
export async function loadOneConnection(port: number, seconds: number): Promise<LoadResult> {
  const url = `http://127.0.0.1:${port}/bench`;
  if (WRK) {
    return runWrk(["-c1", `-d${seconds}s`, url]);
  }
  const r = await autocannon({ url, connections: 1, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/**
 * Latency at a fixed, moderate rate: `rps` requests per second spread over `connections` keep-alive
 * connections, each pacing its requests (bench/wrk-pace.lua; autocannon's --overallRate without wrk). This
 * is how Istio publishes the latency its proxies add (fortio at 1,000 rps over 16 connections): far from
 * saturation, so the figures are what a request costs, not queueing behind others.
 */
export async function loadAtRate(port: number, rps: number, connections: number, seconds: number): Promise<LoadResult> {
  const url = `http://127.0.0.1:${port}/bench`;
  if (WRK) {
    const script = fileURLToPath(new URL("./wrk-pace.lua", import.meta.url));
    return runWrk([`-c${connections}`, `-d${seconds}s`, "-s", script, url], { PACE_MS: String(Math.max(1, Math.round((connections * 1000) / rps))) });
  }
  const r = await autocannon({ url, connections, duration: seconds, overallRate: rps });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/**
 * In the proxy role: SIGUSR1 starts the measured window, SIGTERM prints "cpu <µs per request>" plus
 * `extra()` to stderr and exits. The bench role sends both around its measured load.
 */
export function meterCpuPerRequest(requests: Counter, extra: () => string = () => ""): void {
  let cpu0 = process.cpuUsage();
  let rq0 = 0;
  process.on("SIGUSR1", () => {
    cpu0 = process.cpuUsage();
    rq0 = requests.value;
  });
  process.on("SIGTERM", () => {
    const used = process.cpuUsage(cpu0);
    const n = requests.value - rq0;
    console.error(`cpu ${((used.user + used.system) / Math.max(1, n)).toFixed(2)} ${extra()}`);
    process.exit(0);
  });
}

/** Warms a fresh proxy child up, then measures it: load figures and its stderr report. */
export async function measureProxy(proxy: Child): Promise<LoadResult & { report: string }> {
  try {
    await loadHttp(proxy.port, 1); // warm-up: JIT and connection pools
    proxy.child.kill("SIGUSR1");
    const r = await loadHttp(proxy.port, DURATION_S);
    await stopChild(proxy);
    return { ...r, report: proxy.stderr() };
  } finally {
    await stopChild(proxy);
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const num = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");
export const pct = (v: number, base: number) => `${v >= base ? "+" : ""}${num(((v - base) / base) * 100, 1)}%`;
