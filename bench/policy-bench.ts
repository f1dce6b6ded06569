// `npm run bench:policy`: what in-proxy policy costs, in one run on loopback. Rows: no policy filter; an
// empty policy filter (no rules, no quotas, report=false); and check (2 CEL rules) + quota (1, a limit never
// reached, keyed by a header) + report (Istio metrics and a JSON access log to a discarding sink). Each row
// is a fresh proxy process (this file, run with POLICY_BENCH_ROLE=proxy) in front of
// bench/upstream-process.ts; load comes from wrk when installed, else autocannon.
// Env: BENCH_DURATION (seconds per row, default 5), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default 1;
// more rounds interleave the rows and report medians).

import autocannon from "autocannon";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createIstioMetrics, createJsonAccessLog, createProxy } from "../proxy-engine";
import { singleListenerBootstrap, staticClusterJson } from "../proxy-engine/test-util/upstream";

const here = path.dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);

type Mode = "none" | "empty" | "full";

const CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";
const FULL = {
  check_rules: [
    { name: "default/deny-admin", match: 'request.path.startsWith("/admin")', action: "ACTION_DENY", reason: "admin is internal" },
    { name: "default/allow-get", match: 'request.method == "GET" || request.method == "HEAD"', action: "ACTION_ALLOW" },
  ],
  quotas: [{ name: "default/per-user", dimensions: { user: '"x-user" in request.headers ? request.headers["x-user"] : "anonymous"' }, max_amount: 1_000_000_000, valid_duration: "60s" }],
  report: true,
};

// ---- proxy role: one engine proxy with the policy named by POLICY ----

async function runProxy(): Promise<void> {
  const mode = (process.env.POLICY ?? "none") as Mode;
  const policy = mode === "none" ? [] : [{ name: "meshdash.filters.http.policy", typed_config: { "@type": "type.googleapis.com/meshdash.policy.v1.PolicyFilter", ...(mode === "full" ? FULL : {}) } }];
  const bootstrap = singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: CLUSTER } }], httpFilters: policy }, [staticClusterJson(CLUSTER, [Number(process.env.UPSTREAM_PORT)])]);
  const metrics = createIstioMetrics();
  let logged = 0;
  const accessLog = createJsonAccessLog({ write: (l) => void (logged += l.length) });
  const proxy = createProxy({ id: "router~127.0.0.1~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local", role: "gateway", bootstrap, reportAdapters: [metrics, accessLog] });
  await proxy.start();
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
    const reported = metrics.snapshot().reduce((n, s) => n + s.requests, 0);
    console.error(`cpu ${((used.user + used.system) / Math.max(1, requests)).toFixed(2)} reported ${reported} logbytes ${logged}`);
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
  reported: number;
}

function wrkMs(text: string, label: string): number {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)\\b`).exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

async function load(port: number, seconds: number): Promise<Omit<Result, "cpuUs" | "reported">> {
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
  const proxy = await start(self, { POLICY_BENCH_ROLE: "proxy", POLICY: mode, UPSTREAM_PORT: String(upstreamPort) });
  try {
    await load(proxy.port, 1); // warm-up: JIT and connection pools
    proxy.child.kill("SIGUSR1");
    const r = await load(proxy.port, DURATION_S);
    await stop(proxy);
    const m = /cpu ([\d.]+) reported (\d+)/.exec(proxy.stderr());
    return { ...r, cpuUs: Number(m?.[1] ?? NaN), reported: Number(m?.[2] ?? NaN) };
  } finally {
    await stop(proxy);
  }
}

const ROWS: [Mode, string][] = [
  ["none", "no policy filter"],
  ["empty", "policy filter, nothing configured"],
  ["full", "check(2) + quota(1) + report(prom+log)"],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const num = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");
const pct = (v: number, base: number) => `${v >= base ? "+" : ""}${num(((v - base) / base) * 100, 1)}%`;
const ms = (v: number, base: number) => `${v >= base ? "+" : ""}${num(v - base, 2)}`;

async function main(): Promise<void> {
  console.log(`policy benchmark: ${WRK ? "wrk -t1" : "autocannon"} -c${CONNECTIONS}, ${DURATION_S}s per row, ${ROUNDS} round(s), 64-byte bodies, node ${process.version}`);
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
    return { rps: pick("rps"), p50: pick("p50"), p99: pick("p99"), errors: pick("errors"), cpuUs: pick("cpuUs"), reported: pick("reported") };
  };
  const base = row("none");
  console.log(`\n${"proxy with".padEnd(40)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"cpu µs/rq".padStart(9)} ${"Δ req/s".padStart(8)} ${"Δ p99 ms".padStart(8)} ${"Δ cpu".padStart(7)} ${"reported".padStart(9)} ${"errors".padStart(6)}`);
  for (const [mode, label] of ROWS) {
    const r = row(mode);
    const d = mode === "none" ? ["—", "—", "—"] : [pct(r.rps, base.rps), ms(r.p99, base.p99), pct(r.cpuUs, base.cpuUs)];
    console.log(
      `${label.padEnd(40)} ${num(r.rps).padStart(8)} ${num(r.p50, 2).padStart(7)} ${num(r.p99, 2).padStart(7)} ${num(r.cpuUs, 1).padStart(9)} ${d[0]!.padStart(8)} ${d[1]!.padStart(8)} ${d[2]!.padStart(7)} ${num(r.reported).padStart(9)} ${String(r.errors).padStart(6)}`,
    );
  }
  const full = row("full");
  const rpsCost = ((base.rps - full.rps) / base.rps) * 100;
  const p99Cost = full.p99 - base.p99;
  console.log(`\ntargets: rps cost ${num(rpsCost, 1)}% (≤ 10%: ${rpsCost <= 10 ? "met" : "NOT met"}), p99 added ${num(p99Cost, 2)} ms (≤ 0.5 ms: ${p99Cost <= 0.5 ? "met" : "NOT met"})`);
}

if (process.env.POLICY_BENCH_ROLE === "proxy") await runProxy();
else
  await main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
