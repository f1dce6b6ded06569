// `npm run bench:tap`: what tap costs the proxy, in one run on loopback. Rows: no tap; a tap that came and
// went (the registry is empty again); a tap active but matching nothing; a tap matching every request at
// the default max_rps (100/s, headers extracted, events drained in batches and encoded as the RPC stream does
// for a binary client: tap-wire's pre-encoding, then Connect's toBinary); and,
// for reference, the same with no rate limit. Each row is a fresh proxy process (this file, run with
// TAP_BENCH_ROLE=proxy) in front of bench/upstream-process.ts; load comes from wrk when installed, else
// autocannon. CPU µs per request in the proxy process is the steadier figure on a shared machine.
// Env: BENCH_DURATION (seconds per row, default 5), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default
// 1; more rounds interleave the rows and report medians).

import { create, toBinary } from "@bufbuild/protobuf";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MatchSchema, ObserveResponseSchema, type TapEvent } from "../proto/gen/meshdash/tap/v1/tap_pb";
import { compileTapMatch, createProxy, createTap } from "../proxy-engine";
import { singleListenerBootstrap, staticClusterJson } from "../proxy-engine/test-util/upstream";
import { createEventQueue } from "../server/rpc/event-queue";
import { preEncodedObserveResponse } from "../server/rpc/tap-wire";
import { CONNECTIONS, DURATION_S, LOADER, type LoadResult, measureProxy, median, meterCpuPerRequest, num, pct, PIN, PROXY_CPU, LOAD_CPU, ROUNDS, startChild, startWarmUpstream, stopChild } from "./bench-kit";

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
      for await (const batch of queue) {
        events += batch.length;
        // What TapService does for a binary (Connect/gRPC) client, then Connect's own serialization.
        encodedBytes += toBinary(ObserveResponseSchema, preEncodedObserveResponse(batch)).length;
      }
    })();
  }
  console.log(`port ${proxy.listeners()[0]!.address.split(":").pop()}`);
  meterCpuPerRequest(proxy.stats.counter("http.ingress.downstream_rq_total"), () => `events ${events} bytes ${encodedBytes}`);
}

// ---- bench role ----

interface Result extends LoadResult {
  cpuUs: number;
  events: number;
}

async function measure(upstreamPort: number, mode: Mode): Promise<Result> {
  const r = await measureProxy(await startChild(self, { TAP_BENCH_ROLE: "proxy", TAP: mode, UPSTREAM_PORT: String(upstreamPort) }));
  const m = /cpu ([\d.]+) events (\d+)/.exec(r.report);
  return { ...r, cpuUs: Number(m?.[1] ?? NaN), events: Number(m?.[2] ?? NaN) };
}

const ROWS: [Mode, string][] = [
  ["none", "no tap"],
  ["gone", "a tap came and went (idle again)"],
  ["nomatch", "a tap active, matching nothing"],
  ["all", "a tap matching all, max_rps 100"],
  ["all-unlimited", "a tap matching all, no rps limit"],
];


async function main(): Promise<void> {
  console.log(`tap benchmark: ${LOADER} -c${CONNECTIONS}, ${DURATION_S}s per row, ${ROUNDS} round(s), 64-byte bodies, node ${process.version}${PIN ? `, proxy pinned to CPU ${PROXY_CPU}, load and upstream to CPU ${LOAD_CPU}` : ""}`);
  const upstream = await startWarmUpstream(path.join(here, "upstream-process.ts"), 64);
  const results = new Map<Mode, Result[]>(ROWS.map(([m]) => [m, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) for (const [mode] of ROWS) results.get(mode)!.push(await measure(upstream.port, mode));
  } finally {
    await stopChild(upstream);
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
