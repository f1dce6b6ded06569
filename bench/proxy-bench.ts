// `npm run bench:proxy`: requests/s and latency through the proxy against a direct-to-upstream baseline
// measured in the same run, and the cost of tap when idle (no tap), active-but-not-matching, and matching.
// Upstream, proxy and load generator each run in their own process; everything stays on loopback.
// The load generator is wrk when it is installed (Debian's `wrk`, lighter on a 2-core box), else autocannon.

import autocannon from "autocannon";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

function startProcess(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const WRK = spawnSync("wrk", ["--version"]).error === undefined ? "wrk" : undefined;

/** wrk prints latencies as "812.00us", "4.74ms" or "1.02s". */
function wrkMs(text: string, label: string): number {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

async function loadWithWrk(url: string, seconds: number): Promise<Omit<Result, "name">> {
  const r = spawnSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", url], { encoding: "utf8" });
  const out = r.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50: wrkMs(out, "50%"), p99: wrkMs(out, "99%"), errors };
}

async function load(name: string, port: number): Promise<Result> {
  const url = `http://127.0.0.1:${port}/bench`;
  // A short warm-up lets the JIT and the connection pools settle before measuring.
  if (WRK) {
    await loadWithWrk(url, 1);
    return { name, ...(await loadWithWrk(url, DURATION_S)) };
  }
  await autocannon({ url, connections: CONNECTIONS, duration: 1 });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function main(): Promise<void> {
  const upstream = await startProcess("upstream-process.ts", {});
  const results: Result[] = [];
  try {
    results.push(await load("direct to upstream (baseline)", upstream.port));
    for (const [name, tap] of [
      ["proxy, no tap", "none"],
      ["proxy, tap active, matches nothing", "nomatch"],
      ["proxy, tap matching every request", "all"],
    ] as const) {
      const proxy = await startProcess("proxy-process.ts", { UPSTREAM_PORT: String(upstream.port), TAP: tap });
      try {
        results.push(await load(name, proxy.port));
      } finally {
        await stop(proxy.child);
      }
    }
  } finally {
    await stop(upstream.child);
  }
  const base = results[0]!;
  const noTap = results[1]!;
  const pct = (a: number, b: number) => `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)}%`;
  console.log(`\nproxy benchmark: ${WRK ? "wrk" : "autocannon"}, ${CONNECTIONS} connections, ${DURATION_S}s per row, node ${process.version}\n`);
  console.log(["scenario".padEnd(38), "req/s".padStart(9), "p50 ms".padStart(7), "p99 ms".padStart(7), "errors".padStart(7), "vs direct".padStart(10), "vs no tap".padStart(10)].join(" "));
  for (const r of results) {
    console.log(
      [
        r.name.padEnd(38),
        r.rps.toFixed(0).padStart(9),
        r.p50.toFixed(1).padStart(7),
        r.p99.toFixed(1).padStart(7),
        String(r.errors).padStart(7),
        (r === base ? "—" : pct(r.rps, base.rps)).padStart(10),
        (r === base || r === noTap ? "—" : pct(r.rps, noTap.rps)).padStart(10),
      ].join(" "),
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
