// `npm run bench:tap`: what a tap costs the proxy, through the product's whole tap path. One proxy process
// (bench/tap-proxy-process.ts, pinned to its own CPU) serves a steady wrk load and the real TapService; a
// subscriber process (bench/tap-subscriber-process.ts) opens and closes taps over gRPC. The load never
// stops while the tap state changes window by window: no tap (after taps came and went), no tap again (an
// A/A control, which shows this machine's noise), a tap matching nothing, a tap matching everything at the
// default max_rps (100/s), the same with no rps limit, and that tap again kept inside the proxy process (its
// events counted there, not streamed: the proxy's own share of the cost). Each round runs every state once, in a
// shuffled order (seeded, so runs repeat it): a state's window must not always follow the same other state, as
// an unlimited tap's aftermath (GC, the subscriber draining) can reach into the next window. A state's cost is
// the median over rounds of its rps relative to the same round's no-tap window.
// Adjacent windows share the machine's slow drifts, which swing separate runs by ±30% here.
// Env: BENCH_ROUNDS (default 20), BENCH_WINDOW_MS (default 500), BENCH_CONNECTIONS (default 32), BENCH_ROWS
// (row keys to run, comma-separated: none-again, nomatch, all, all-unlimited, direct), BENCH_VERBOSE=1 (print
// every window).

import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { CONNECTIONS, LOAD_CPU, LOADER, median, num, PIN, pinned, PROXY_CPU, startChild, startLoad, startWarmUpstream, stopChild } from "./bench-kit";
import type { TapMode } from "./tap-subscriber-process";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 20));
const WINDOW_MS = Math.max(100, Number(process.env.BENCH_WINDOW_MS ?? 500));

/** "direct": the proxy process's own unlimited tap, whose events are counted there (the proxy's share). */
type Mode = TapMode | "direct";

interface Row {
  key: string;
  mode: Mode;
  label: string;
  /** Most rps it may cost, in percent, or undefined when the issue sets no target. */
  target?: number;
}

const ALL_ROWS: Row[] = [
  { key: "none", mode: "none", label: "no tap (after taps came and went)" },
  { key: "none-again", mode: "none", label: "no tap again (A/A control)", target: 1 },
  { key: "nomatch", mode: "nomatch", label: "a tap matching nothing", target: 1 },
  { key: "all", mode: "all", label: "a tap matching all, max_rps 100" },
  { key: "all-unlimited", mode: "all-unlimited", label: "a tap matching all, no rps limit", target: 15 },
  { key: "direct", mode: "direct", label: "same, events kept in the proxy" },
];
/** BENCH_ROWS=key,key picks rows (the no-tap baseline always runs). */
const PICKED = process.env.BENCH_ROWS?.split(",");
const ROWS = PICKED ? ALL_ROWS.filter((r) => r.key === "none" || PICKED.includes(r.key)) : ALL_ROWS;

interface Window {
  rps: number;
  cpuUs: number;
  /** Events the subscriber received, and the ObserveResponse messages that carried them. */
  events: number;
  messages: number;
  seconds: number;
  dropped: number;
}

interface Snapshot {
  t: number;
  requests: number;
  cpuUs: number;
  taps: number;
}

async function snapshot(port: number): Promise<Snapshot> {
  return (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as Snapshot;
}

/** The subscriber child: send a command, wait for the line that answers it. */
function startSubscriber(tapPort: number) {
  const [cmd, args] = pinned(LOAD_CPU, process.execPath, ["--import", "tsx", path.join(here, "tap-subscriber-process.ts")]);
  const child = spawn(cmd, args, { env: { ...process.env, TAP_PORT: String(tapPort) }, stdio: ["pipe", "pipe", "inherit"] });
  const waiters: { prefix: string; resolve(line: string): void }[] = [];
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const i = waiters.findIndex((w) => line.startsWith(w.prefix));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(line);
    else lines.push(line);
  });
  const died = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`tap subscriber exited with ${code}`))));
  died.catch(() => {});
  const expect = (prefix: string) => {
    const seen = lines.findIndex((l) => l.startsWith(prefix));
    if (seen >= 0) return Promise.resolve(lines.splice(seen, 1)[0]!);
    return Promise.race([new Promise<string>((resolve) => waiters.push({ prefix, resolve })), died]);
  };
  return {
    ready: expect("ready"),
    command(line: string, answer: string): Promise<string> {
      child.stdin!.write(`${line}\n`);
      return expect(answer);
    },
    stop() {
      child.stdin!.end();
      child.kill("SIGTERM");
    },
  };
}

type Subscriber = ReturnType<typeof startSubscriber>;

/** Waits (briefly) for the proxy to show `taps` registered taps: a cancelled tap is unregistered asynchronously. */
async function settle(control: number, taps: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await snapshot(control)).taps === taps) return;
    await sleep(5);
  }
  throw new Error(`the proxy never showed ${taps} active tap(s)`);
}

/** The proxy process's in-process tap: on, or off (answers the events it counted so far). */
async function directTap(control: number, on: boolean): Promise<number> {
  return Number(await (await fetch(`http://127.0.0.1:${control}/direct-tap`, { method: on ? "POST" : "DELETE" })).text());
}

async function measureWindow(control: number, sub: Subscriber, mode: Mode): Promise<Window> {
  const counted = mode === "direct" ? await directTap(control, true) : 0;
  if (mode !== "none" && mode !== "direct") await sub.command(`start ${mode}`, "registered");
  await settle(control, mode === "none" ? 0 : 1);
  const a = await snapshot(control);
  await sleep(WINDOW_MS);
  const b = await snapshot(control);
  let events = 0;
  let messages = 0;
  let dropped = 0;
  if (mode === "direct") events = (await directTap(control, false)) - counted;
  else if (mode !== "none") {
    [events, messages, dropped] = (await sub.command("stop", "stopped")).split(" ").slice(1).map(Number) as [number, number, number];
  }
  const n = b.requests - a.requests;
  return { rps: (n * 1000) / (b.t - a.t), cpuUs: (b.cpuUs - a.cpuUs) / Math.max(1, n), events, messages, seconds: (b.t - a.t) / 1000, dropped };
}

/** `rows` in an order fixed by `seed` (Fisher-Yates over a mulberry32 stream). */
function shuffled<T>(rows: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const signed = (v: number) => `${v >= 0 ? "+" : ""}${num(v, 1)}%`;

async function main(): Promise<void> {
  console.log(
    `tap benchmark: ${LOADER} -c${CONNECTIONS} held steady, ${ROUNDS} rounds of ${ROWS.length} windows of ${WINDOW_MS} ms, 64-byte bodies, headers extracted, node ${process.version}` +
      (PIN ? `; proxy and TapService pinned to CPU ${PROXY_CPU}, load, upstream and tap subscriber to CPU ${LOAD_CPU}` : ""),
  );
  const upstream = await startWarmUpstream(path.join(here, "upstream-process.ts"), 64);
  const proxy = await startChild(path.join(here, "tap-proxy-process.ts"), { UPSTREAM_PORT: String(upstream.port) });
  const [, tapPort, control] = /tap (\d+) control (\d+)/.exec(proxy.banner)!.map(Number) as [number, number, number];
  const sub = startSubscriber(tapPort);
  const results = new Map<string, Window[]>(ROWS.map((r) => [r.key, []]));
  // Generous: wrk is stopped as soon as the last window ends.
  const load = startLoad(proxy.port, Math.ceil(10 + ((ROUNDS + 1) * ROWS.length * (WINDOW_MS + 400)) / 1000));
  try {
    await sub.ready;
    await sleep(1500); // JIT and connection pools under load before anything is measured
    for (let round = -1; round < ROUNDS; round++) {
      // Round -1 warms every path up and is not recorded; each round has its own order.
      const order = shuffled(ROWS, round + 2);
      for (const row of order) {
        const w = await measureWindow(control, sub, row.mode);
        if (round >= 0) results.get(row.key)!.push(w);
        if (process.env.BENCH_VERBOSE) console.log(`round ${round} ${row.key.padEnd(14)} ${num(w.rps).padStart(6)} rps ${num(w.cpuUs, 1).padStart(6)} µs/rq ${w.events} events`);
      }
    }
  } finally {
    await load.stop();
    sub.stop();
    await stopChild(proxy);
    await stopChild(upstream);
  }

  const base = results.get("none")!;
  console.log(`\n${"proxy with".padEnd(36)} ${"req/s".padStart(8)} ${"cpu µs/rq".padStart(9)} ${"Δ req/s".padStart(8)} ${"Δ cpu".padStart(7)} ${"events/s".padStart(9)} ${"batch".padStart(6)} ${"dropped".padStart(8)}  target`);
  let failed = false;
  for (const row of ROWS) {
    const ws = results.get(row.key)!;
    // Paired: each window against its own round's no-tap window.
    const dRps = median(ws.map((w, i) => (w.rps / base[i]!.rps - 1) * 100));
    const dCpu = median(ws.map((w, i) => (w.cpuUs / base[i]!.cpuUs - 1) * 100));
    const events = median(ws.map((w) => w.events / w.seconds));
    const batch = ws.reduce((n, w) => n + w.events, 0) / Math.max(1, ws.reduce((n, w) => n + w.messages, 0));
    const dropped = ws.reduce((n, w) => n + w.dropped, 0);
    const met = row.target === undefined ? undefined : -dRps <= row.target;
    if (met === false) failed = true;
    console.log(
      `${row.label.padEnd(36)} ${num(median(ws.map((w) => w.rps))).padStart(8)} ${num(median(ws.map((w) => w.cpuUs)), 1).padStart(9)} ${(row.key === "none" ? "—" : signed(dRps)).padStart(8)} ${(row.key === "none" ? "—" : signed(dCpu)).padStart(7)} ${num(events).padStart(9)} ${(row.mode === "none" || row.mode === "direct" ? "—" : num(batch, 1)).padStart(6)} ${String(dropped).padStart(8)}  ${row.target === undefined ? "—" : `≤ ${row.target}% drop: ${met ? "ok" : "MISSED"}`}`,
    );
  }
  console.log(`\nΔ columns are medians of per-round ratios to that round's no-tap window. "batch" is events per ObserveResponse message.`);
  console.log(`"Kept in the proxy" is the proxy's own share of the unlimited tap (matching, per-stream state, encoding each event); the rest of that row's cost is streaming the events: TapService, gRPC over HTTP/2, loopback TCP.`);
  if (failed) console.log("a target was missed (see the A/A control row for this run's noise floor)");
}

await main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
