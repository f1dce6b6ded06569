// `npm run bench:policy`: what in-proxy policy costs, in one run on loopback. Rows: no policy filter; an
// empty policy filter (no rules, no quotas, report=false); check (2 CEL rules) + quota (1, a limit never
// reached, keyed by a header) + report to Istio's metrics, as the runtime runs by default (the targets are
// judged on this row); and the same with the opt-in JSON access log (ACCESS_LOG) to a discarding sink. Each row
// is a fresh proxy process (this file, run with POLICY_BENCH_ROLE=proxy) in front of
// bench/upstream-process.ts; load comes from wrk when installed, else autocannon.
// Then p50/p99 over a single connection, with and without policy: the latency target is judged there, since
// at saturation p99 is queueing that grows with any CPU added.
// Env: BENCH_DURATION (seconds per row, default 5), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default 1;
// more rounds interleave the rows and report medians).

import path from "node:path";
import { fileURLToPath } from "node:url";
import { createIstioMetrics, createJsonAccessLog, createProxy } from "../proxy-engine";
import { singleListenerBootstrap, staticClusterJson } from "../proxy-engine/test-util/upstream";
import { loadHttp, loadOneConnection, CONNECTIONS, DURATION_S, LOADER, type LoadResult, measureProxy, median, meterCpuPerRequest, num, pct, PIN, PROXY_CPU, LOAD_CPU, ROUNDS, startChild, startWarmUpstream, stopChild } from "./bench-kit";

const here = path.dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);

type Mode = "none" | "empty" | "full" | "full-log";

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
  const policy = mode === "none" ? [] : [{ name: "meshdash.filters.http.policy", typed_config: { "@type": "type.googleapis.com/meshdash.policy.v1.PolicyFilter", ...(mode.startsWith("full") ? FULL : {}) } }];
  const bootstrap = singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: CLUSTER } }], httpFilters: policy }, [staticClusterJson(CLUSTER, [Number(process.env.UPSTREAM_PORT)])]);
  const metrics = createIstioMetrics();
  let logged = 0;
  const accessLog = createJsonAccessLog({ write: (l) => void (logged += l.length) });
  const proxy = createProxy({ id: "router~127.0.0.1~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local", role: "gateway", bootstrap, reportAdapters: mode === "full-log" ? [metrics, accessLog] : [metrics] });
  await proxy.start();
  console.log(`port ${proxy.listeners()[0]!.address.split(":").pop()}`);
  meterCpuPerRequest(proxy.stats.counter("http.ingress.downstream_rq_total"), () => `reported ${metrics.snapshot().reduce((n, s) => n + s.requests, 0)} logbytes ${logged}`);
}

// ---- bench role ----

interface Result extends LoadResult {
  cpuUs: number;
  reported: number;
}

/** A fresh proxy, warmed at saturation, then timed over one connection (no queueing). */
async function measureAtRate(upstreamPort: number, mode: Mode): Promise<{ p50: number; p99: number; errors: number }> {
  const proxy = await startChild(self, { POLICY_BENCH_ROLE: "proxy", POLICY: mode, UPSTREAM_PORT: String(upstreamPort) });
  try {
    await loadHttp(proxy.port, 1);
    return await loadOneConnection(proxy.port, DURATION_S);
  } finally {
    await stopChild(proxy);
  }
}

async function measure(upstreamPort: number, mode: Mode): Promise<Result> {
  const r = await measureProxy(await startChild(self, { POLICY_BENCH_ROLE: "proxy", POLICY: mode, UPSTREAM_PORT: String(upstreamPort) }));
  const m = /cpu ([\d.]+) reported (\d+)/.exec(r.report);
  return { ...r, cpuUs: Number(m?.[1] ?? NaN), reported: Number(m?.[2] ?? NaN) };
}

/** Rows timed over one connection too. */
const RATE_ROWS: Mode[] = ["none", "full"];

const ROWS: [Mode, string][] = [
  ["none", "no policy filter"],
  ["empty", "policy filter, nothing configured"],
  ["full", "check(2) + quota(1) + report(prometheus)"],
  ["full-log", "the same + JSON access log (opt-in)"],
];

const ms = (v: number, base: number) => `${v >= base ? "+" : ""}${num(v - base, 2)}`;

async function main(): Promise<void> {
  console.log(`policy benchmark: ${LOADER} -c${CONNECTIONS}, ${DURATION_S}s per row, ${ROUNDS} round(s), 64-byte bodies, node ${process.version}${PIN ? `, proxy pinned to CPU ${PROXY_CPU}, load and upstream to CPU ${LOAD_CPU}` : ""}`);
  const upstream = await startWarmUpstream(path.join(here, "upstream-process.ts"), 64);
  const results = new Map<Mode, Result[]>(ROWS.map(([m]) => [m, []]));
  const atRate = new Map<Mode, { p50: number; p99: number; errors: number }[]>(RATE_ROWS.map((m) => [m, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) for (const [mode] of ROWS) results.get(mode)!.push(await measure(upstream.port, mode));
    for (let round = 0; round < ROUNDS; round++) for (const mode of RATE_ROWS) atRate.get(mode)!.push(await measureAtRate(upstream.port, mode));
  } finally {
    await stopChild(upstream);
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
  const rate = (mode: Mode) => {
    const rs = atRate.get(mode)!;
    return { p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), errors: median(rs.map((r) => r.errors)) };
  };
  console.log(`\nlatency over one connection (no queueing: each request waits only for itself):`);
  console.log(`${"proxy with".padEnd(40)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"Δ p99 ms".padStart(8)} ${"errors".padStart(6)}`);
  const rateBase = rate("none");
  for (const mode of RATE_ROWS) {
    const r = rate(mode);
    console.log(`${ROWS.find(([m]) => m === mode)![1].padEnd(40)} ${num(r.p50, 3).padStart(7)} ${num(r.p99, 3).padStart(7)} ${(mode === "none" ? "—" : ms(r.p99, rateBase.p99)).padStart(8)} ${String(r.errors).padStart(6)}`);
  }
  const p99Cost = rate("full").p99 - rateBase.p99;
  console.log(
    `\ntargets: rps cost at saturation ${num(rpsCost, 1)}% (≤ 10%: ${rpsCost <= 10 ? "met" : "NOT met"}), p99 added over one connection ${num(p99Cost, 3)} ms (≤ 0.5 ms: ${p99Cost <= 0.5 ? "met" : "NOT met"}); ` +
      `at saturation p99 is queueing and moves with CPU (${ms(full.p99, base.p99)} ms here).`,
  );
}

if (process.env.POLICY_BENCH_ROLE === "proxy") await runProxy();
else
  await main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
