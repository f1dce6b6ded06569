// Clients that misbehave at the ingress while the steady load goes on: slow readers of an 8 MiB response
// (never read), clients that disconnect mid-request and mid-response, and 10,000 idle connections (from a
// child process). The proxy must keep serving everyone else (no failed request) and stay within its memory
// budget: backpressure, not buffering.

import net from "node:net";
import path from "node:path";
import { request } from "undici";
import { BIG_BYTES } from "../faulty-replicas";
import { REPO_ROOT, startLineChild } from "../line-child";
import { FAULTY_AUTHORITY } from "../mesh-under-test";
import { failureSummary, loadSince, type Scenario, wait } from "./scenario";

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

/** The idle-connections child: `report` is its line once every connection attempt settled. */
function holdIdleConnections(address: string, count: number) {
  const child = startLineChild(path.join(REPO_ROOT, "reliability", "idle-connections-process.ts"), [], { TARGET: address, COUNT: String(count) });
  return {
    report: child.line("open"),
    async release() {
      child.proc.stdin!.end();
      await child.exited;
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
  const { outcomes, failed } = await loadSince(load, start);
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
