// Clients that misbehave at the ingress while the steady load goes on: slow readers of an 8 MiB response
// (never read), clients that disconnect mid-request and mid-response, and 10,000 idle connections (from a
// child process). The proxy must keep serving everyone else (no failed request) and stay within its memory
// budget: backpressure, not buffering.

import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { BIG_BYTES } from "../faulty-replicas";
import { FAULTY_AUTHORITY } from "../mesh-under-test";
import { failures, failureSummary, wait, type Scenario } from "./scenario";

const SLOW_READERS = 20;
const DISCONNECTS = 50;
const IDLE = 10_000;
const HOLD_MS = 5000;
const RSS_BUDGET_MIB = 512;

function rawClient(address: string, payload: string): net.Socket {
  const [host, port] = address.split(":") as [string, string];
  const s = net.connect({ host, port: Number(port) }, () => s.write(payload));
  s.on("error", () => {});
  return s;
}

const get = (p: string) => `GET ${p} HTTP/1.1\r\nHost: ${FAULTY_AUTHORITY}\r\n\r\n`;

/** The idle-connections child: resolves with its report once every connection attempt settled. */
function holdIdleConnections(address: string, count: number) {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "idle-connections-process.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, TARGET: address, COUNT: String(count) }, stdio: ["pipe", "pipe", "inherit"] });
  const report = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`idle-connections process exited with ${code}`)));
  });
  const exited = new Promise((r) => child.once("exit", r));
  return {
    report,
    async release() {
      child.stdin!.end();
      await exited;
    },
  };
}

export const downstreamMisbehaviour: Scenario = async ({ mesh, load }) => {
  const lost: string[] = [];
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  const idle = holdIdleConnections(mesh.ingress, IDLE);
  const slow = Array.from({ length: SLOW_READERS }, () => {
    const s = rawClient(mesh.ingress, get("/big"));
    s.pause(); // never reads: the proxy must stop reading its upstream, not buffer 8 MiB each
    return s;
  });
  for (let i = 0; i < DISCONNECTS; i++) {
    // Mid-request: a body promised and cut short.
    const cut = rawClient(mesh.ingress, `POST / HTTP/1.1\r\nHost: ${FAULTY_AUTHORITY}\r\nContent-Length: 100000\r\n\r\n${"y".repeat(100)}`);
    setTimeout(() => cut.destroy(), 20);
    // Mid-response: the first bytes of the big body, then gone.
    const gone = rawClient(mesh.ingress, get("/big"));
    gone.once("data", () => gone.destroy());
  }
  let idleReport = "";
  try {
    idleReport = await idle.report;
    const m = /open (\d+) failed (\d+)/.exec(idleReport);
    if (Number(m?.[1]) !== IDLE) lost.push(`only ${m?.[1]} of ${IDLE} idle connections were accepted (${idleReport})`);
    await wait(HOLD_MS);
    // Someone new is still served while all of that is held open.
    const r = await request(`http://${mesh.ingress}/`, { headers: { host: FAULTY_AUTHORITY } });
    await r.body.dump();
    if (r.statusCode !== 200) lost.push(`a new client got ${r.statusCode} while the misbehaving ones held on`);
  } finally {
    for (const s of slow) s.destroy();
    await idle.release();
    clearInterval(sampler);
  }
  const end = performance.now();
  await load.settled(end);
  const outcomes = load.between(start, end);
  const failed = failures(outcomes);
  if (failed.length) lost.push(`${failed.length} requests of the steady load failed (${failureSummary(outcomes)})`);
  const growthMiB = (peak - rss0) / 2 ** 20;
  if (growthMiB > RSS_BUDGET_MIB) lost.push(`RSS grew by ${growthMiB.toFixed(0)} MiB (budget ${RSS_BUDGET_MIB} MiB)`);
  return {
    fault: "slow readers, disconnects, 10k idle conns",
    requests: outcomes.length,
    failed: failed.length,
    recoveryMs: undefined,
    lost,
    detail: `${SLOW_READERS} readers of ${BIG_BYTES / 2 ** 20} MiB never reading, ${DISCONNECTS}+${DISCONNECTS} cut mid-request/response, ${idleReport || "no idle report"}; RSS peak +${growthMiB.toFixed(0)} MiB`,
  };
};
