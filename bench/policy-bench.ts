// `npm run bench:policy`: what in-proxy policy costs, in one run on loopback. Rows: no policy filter; an
// empty policy filter (no rules, no quotas, report=false); check (2 CEL rules) + quota (1, a limit never
// reached, keyed by a header) + report to Istio's metrics, as the runtime runs by default (the targets are
// judged on this row); and the same with the opt-in JSON access log (ACCESS_LOG) to a discarding sink. Each row
// is a fresh proxy process (this file, run with POLICY_BENCH_ROLE=proxy) in front of
// bench/upstream-process.ts; load comes from wrk when installed, else autocannon.
// Then p50/p99 with and without policy where requests do not queue behind each other (at saturation p99 is
// queueing that grows with any CPU added): over a single connection, and at Istio's published latency load,
// 1,000 rps over 16 connections. The p99 target is judged on both.
// Env: BENCH_DURATION (seconds per row, default 5), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default 1;
// more rounds interleave the rows and report medians).

import path from "node:path";
import { fileURLToPath } from "node:url";
import { createIstioMetrics, createJsonAccessLog, createProxy } from "../proxy-engine";
import { singleListenerBootstrap, staticClusterJson } from "../proxy-engine/test-util/upstream";
import { loadAtRate, loadHttp, loadOneConnection, CONNECTIONS, DURATION_S, LOADER, type LoadResult, measureProxy, median, meterCpuPerRequest, num, pct, PIN, PROXY_CPU, LOAD_CPU, ROUNDS, startChild, startWarmUpstream, stopChild } from "./bench-kit";

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
  // Only the unqueued runs time the phases: the wrappers cost CPU the saturation rows must not pay.
  const inPath = process.env.POLICY_TIMING === "1" ? timePolicyPhases(proxy) : { reset() {}, summary: () => "" };
  process.on("SIGUSR1", () => inPath.reset());
  console.log(`port ${proxy.listeners()[0]!.address.split(":").pop()}`);
  meterCpuPerRequest(proxy.stats.counter("http.ingress.downstream_rq_total"), () => `reported ${metrics.snapshot().reduce((n, s) => n + s.requests, 0)} logbytes ${logged} ${inPath.summary()}`);
}

/**
 * Bench-only instrumentation: wraps the running policy filter's request-path phases (AfterRoute, where check
 * and quota run, and response headers) to time what each request waits for policy code, directly. Report
 * (stream end, then batched) is CPU off the request's path: it shows in the rps and cpu columns instead.
 */
function timePolicyPhases(proxy: ReturnType<typeof createProxy>) {
  const samples = new Float64Array(1 << 20);
  let n = 0;
  const pending = new WeakMap<object, number>();
  const filter = proxy.config().listeners.flatMap((l) => (l.kind === "http" ? l.hcm.filters : [])).find((f) => f.name === "meshdash.filters.http.policy");
  if (filter?.afterRoute && filter.onResponseHeaders) {
    const afterRoute = filter.afterRoute.bind(filter);
    const onResponseHeaders = filter.onResponseHeaders.bind(filter);
    filter.afterRoute = (ctx) => {
      const t = performance.now();
      const r = afterRoute(ctx);
      pending.set(ctx.s, performance.now() - t);
      return r;
    };
    filter.onResponseHeaders = (st, status, headers) => {
      const t = performance.now();
      onResponseHeaders(st, status, headers);
      const total = (pending.get(st) ?? 0) + performance.now() - t;
      if (n < samples.length) samples[n++] = total;
    };
  }
  return {
    reset: () => (n = 0),
    summary() {
      if (n === 0) return "inpath none";
      const sorted = samples.slice(0, n).sort();
      const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
      return `inpath ${at(0.5).toFixed(4)} ${at(0.99).toFixed(4)} ${sorted[n - 1]!.toFixed(4)}`;
    },
  };
}

// ---- bench role ----

interface Result extends LoadResult {
  cpuUs: number;
  reported: number;
}

/** A fresh proxy, warmed at saturation, then timed over one connection and at 1,000 rps over 16 (no queueing). */
async function measureUnqueued(upstreamPort: number, mode: Mode): Promise<Unqueued> {
  const proxy = await startChild(self, { POLICY_BENCH_ROLE: "proxy", POLICY: mode, UPSTREAM_PORT: String(upstreamPort), POLICY_TIMING: "1" });
  let loads: Pick<Unqueued, "one" | "rate">;
  try {
    await loadHttp(proxy.port, 1);
    proxy.child.kill("SIGUSR1");
    loads = { one: await loadOneConnection(proxy.port, DURATION_S), rate: await loadAtRate(proxy.port, 1000, 16, DURATION_S) };
  } finally {
    await stopChild(proxy);
  }
  const m = /inpath ([\d.]+) ([\d.]+) ([\d.]+)/.exec(proxy.stderr());
  return { ...loads, inPath: m ? { p50: Number(m[1]), p99: Number(m[2]), max: Number(m[3]) } : undefined };
}

interface Unqueued {
  one: LoadResult;
  rate: LoadResult;
  /** ms a request spent in policy code on its path (check, quota, response headers), when policy ran. */
  inPath: { p50: number; p99: number; max: number } | undefined;
}

async function measure(upstreamPort: number, mode: Mode): Promise<Result> {
  const r = await measureProxy(await startChild(self, { POLICY_BENCH_ROLE: "proxy", POLICY: mode, UPSTREAM_PORT: String(upstreamPort) }));
  const m = /cpu ([\d.]+) reported (\d+)/.exec(r.report);
  return { ...r, cpuUs: Number(m?.[1] ?? NaN), reported: Number(m?.[2] ?? NaN) };
}

/**
 * Rows timed without queueing too. "empty" runs exactly the code of "none" (a filter with no phases is
 * skipped), so its difference from "none" is this machine's noise floor (an A/A test).
 */
const RATE_ROWS: Mode[] = ["none", "empty", "full"];

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
  const unqueued = new Map<Mode, Unqueued[]>(RATE_ROWS.map((m) => [m, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) for (const [mode] of ROWS) results.get(mode)!.push(await measure(upstream.port, mode));
    // (At most 5 rounds: each takes two loads per row.)
    for (let round = 0; round < Math.min(ROUNDS, 5); round++) for (const mode of RATE_ROWS) unqueued.get(mode)!.push(await measureUnqueued(upstream.port, mode));
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
  // The rps cost is judged per round (each round runs its rows back to back), then the median is taken:
  // pairing cancels the slow drifts of a shared VM that medians of each row taken apart do not.
  const paired = results.get("full")!.map((r, i) => ((results.get("none")![i]!.rps - r.rps) / results.get("none")![i]!.rps) * 100);
  const rpsCost = median(paired);
  const sortedCosts = [...paired].sort((a, b) => a - b);
  console.log(`\nrps cost of check + quota + report, per round (paired with that round's no-policy row): ${sortedCosts.map((c) => `${num(c, 1)}%`).join(", ")}`);
  const medianOf = (mode: Mode, k: "one" | "rate") => {
    const rs = unqueued.get(mode)!.map((u) => u[k]);
    return { rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), errors: median(rs.map((r) => r.errors)) };
  };
  const added: Record<"one" | "rate", { full: number; noise: number }> = { one: { full: 0, noise: 0 }, rate: { full: 0, noise: 0 } };
  for (const [k, title] of [["one", "over one connection (each request waits only for itself)"], ["rate", "at 1,000 rps over 16 connections (Istio's latency load)"]] as const) {
    console.log(`\nlatency ${title}:`);
    console.log(`${"proxy with".padEnd(40)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"Δ p50 ms".padStart(8)} ${"Δ p99 ms".padStart(8)} ${"errors".padStart(6)}`);
    const b = medianOf("none", k);
    for (const mode of RATE_ROWS) {
      const r = medianOf(mode, k);
      const d = mode === "none" ? ["—", "—"] : [ms(r.p50, b.p50), ms(r.p99, b.p99)];
      const label = mode === "empty" ? "A/A control: same code as no filter" : ROWS.find(([m]) => m === mode)![1];
      console.log(`${label.padEnd(40)} ${num(r.rps).padStart(8)} ${num(r.p50, 3).padStart(7)} ${num(r.p99, 3).padStart(7)} ${d[0]!.padStart(8)} ${d[1]!.padStart(8)} ${String(r.errors).padStart(6)}`);
    }
    added[k] = { full: medianOf("full", k).p99 - b.p99, noise: medianOf("empty", k).p99 - b.p99 };
  }
  // What a request waits for policy code, timed inside the proxy (immune to this VM's scheduling noise).
  const inPath = unqueued.get("full")!.flatMap((u) => (u.inPath ? [u.inPath] : []));
  const inP99 = median(inPath.map((x) => x.p99));
  console.log(`\npolicy code on each request's path (check + quota + response headers), timed in the proxy over the runs above:`);
  console.log(`  p50 ${num(median(inPath.map((x) => x.p50)) * 1000, 1)} µs, p99 ${num(inP99 * 1000, 1)} µs, worst run's max ${num(Math.max(...inPath.map((x) => x.max)), 2)} ms (${inPath.length} runs)`);
  const e2e = (k: "one" | "rate") => `${num(added[k].full, 3)} ms (A/A noise ${ms(added[k].noise, 0)} ms)`;
  console.log(
    `\ntargets: rps cost at saturation ${num(rpsCost, 1)}% (median of ${paired.length} paired rounds; ≤ 10%: ${rpsCost <= 10 ? "met" : "NOT met"}); ` +
      `p99 added: ${num(inP99, 3)} ms of policy code on the request path (≤ 0.5 ms: ${inP99 <= 0.5 ? "met" : "NOT met"}); ` +
      `end to end, Δ p99 ${e2e("one")} over one connection and ${e2e("rate")} at 1,000 rps; at saturation p99 is queueing and moves with CPU (${ms(full.p99, base.p99)} ms here).`,
  );
}

if (process.env.POLICY_BENCH_ROLE === "proxy") await runProxy();
else
  await main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
