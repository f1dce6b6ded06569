// The Tap page under a firehose, in real Chromium (second half of `npm run bench:tap`): the real server,
// a tap on the ingress gateway, and a paced load that feeds the page about 2,000 tap events a second for
// 30 s. It reads long tasks (PerformanceObserver), the JS heap (CDP Performance.getMetrics) and the rows
// held and drawn, and prints them next to the same page idle for 10 s (the baseline, same run).
// Targets: no long task over 100 ms, heap under 200 MB, a bounded number of rows.
// Env: SOAK_SECONDS (default 30), SOAK_EVENTS_PER_S (default 2000), CHROMIUM_PATH; SOAK_PROFILE=file.cpuprofile
// records the page's main thread during the soak (open it in Chrome DevTools) and prints the top functions.

import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CDPSession, Page } from "playwright-core";
import { launchBrowser } from "../e2e/support/browser";
import { startServer } from "../e2e/support/server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOAK_S = Number(process.env.SOAK_SECONDS ?? 30);
const EVENTS_PER_S = Number(process.env.SOAK_EVENTS_PER_S ?? 2000);
/** Each tapped request is three events (RequestInit, ResponseInit, ResponseEnd). */
const REQUESTS_PER_S = Math.ceil(EVENTS_PER_S / 3);
const LONG_TASK_MS = 100;
const HEAP_MB = 200;

interface Window {
  name: string;
  seconds: number;
  events: number;
  longTasks: number[];
  heapMaxMb: number;
  heapEndMb: number;
  rowsHeldMax: number;
  rowsDrawnMax: number;
}

/** Installs the long-task recorder; returns a reader that drains what it saw. */
async function watchLongTasks(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __longTaskLog: string[]; __longTaskObserver?: PerformanceObserver };
    // One observer per window: the last window's would report every long task a second time.
    w.__longTaskObserver?.disconnect();
    w.__longTasks = [];
    w.__longTaskLog = [];
    const t0 = performance.now();
    w.__longTaskObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.__longTasks.push(e.duration);
        w.__longTaskLog.push(`${((e.startTime - t0) / 1000).toFixed(1)}s:${Math.round(e.duration)}ms`);
      }
    });
    w.__longTaskObserver.observe({ type: "longtask" });
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      return w.__longTasks.splice(0);
    });
}

async function heapMb(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  return (metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0) / 2 ** 20;
}

/** Streams and events as the status line prints them ("· 123 streams · 456 events"). */
async function statusCounts(page: Page): Promise<{ streams: number; events: number }> {
  const text = (await page.getByTestId("tap-status-line").textContent()) ?? "";
  const num = (re: RegExp) => Number((re.exec(text)?.[1] ?? "0").replace(/[^\d]/g, ""));
  return { streams: num(/([\d,]+) streams/), events: num(/([\d,]+) events/) };
}

/** Sends `perSecond` GETs a second, paced in 10 ms slices, until `stop()`; resolves with the count sent. */
function pacedLoad(url: URL, perSecond: number): { stop(): Promise<{ sent: number; failed: number }> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let sent = 0;
  let failed = 0;
  let inflight = 0;
  let n = 0;
  const started = Date.now();
  const tick = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * perSecond);
    while (sent < due) {
      sent++;
      inflight++;
      http
        .get({ agent, host: url.hostname, port: url.port, path: `/details/soak/${n++}` }, (res) => {
          res.resume();
          res.on("end", () => {
            inflight--;
            if (res.statusCode !== 200) failed++;
          });
        })
        .on("error", () => {
          inflight--;
          failed++;
        });
    }
  }, 10);
  return {
    async stop() {
      clearInterval(tick);
      while (inflight > 0) await new Promise((r) => setImmediate(r));
      agent.destroy();
      return { sent, failed };
    },
  };
}

async function measure(name: string, page: Page, cdp: CDPSession, seconds: number, load?: URL): Promise<Window> {
  const drain = await watchLongTasks(page);
  const before = await statusCounts(page);
  const w: Window = { name, seconds, events: 0, longTasks: [], heapMaxMb: 0, heapEndMb: 0, rowsHeldMax: 0, rowsDrawnMax: 0 };
  const gen = load ? pacedLoad(load, REQUESTS_PER_S) : undefined;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    w.heapMaxMb = Math.max(w.heapMaxMb, await heapMb(cdp));
    w.rowsHeldMax = Math.max(w.rowsHeldMax, (await statusCounts(page)).streams);
    w.rowsDrawnMax = Math.max(w.rowsDrawnMax, await page.getByTestId("tap-row").count());
    w.longTasks.push(...(await drain()));
  }
  const log = await page.evaluate(() => (window as unknown as { __longTaskLog: string[] }).__longTaskLog.join(" "));
  if (log) console.log(`${name}: long tasks (seconds into the window: duration) ${log}`);
  if (gen) {
    const { sent, failed } = await gen.stop();
    console.log(`${name}: sent ${sent} requests (${(sent / seconds).toFixed(0)}/s), ${failed} failed`);
  }
  await page.waitForTimeout(500); // the page re-renders every 250 ms: let the last batch land
  w.longTasks.push(...(await drain()));
  w.events = (await statusCounts(page)).events - before.events;
  w.heapEndMb = await heapMb(cdp);
  return w;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Writes the CPU profile and prints the functions with the most self time. */
async function saveProfile(cdp: CDPSession, file: string): Promise<void> {
  const { profile } = (await cdp.send("Profiler.stop")) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  await writeFile(file, JSON.stringify(profile));
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(`CPU profile written to ${file}; most self time:`);
  console.table([...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, ms]) => ({ function: fn, "self ms": Math.round(ms) })));
}

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, ["scripts/ensure-build.mjs"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Error("the dashboard build failed");
  const server = await startServer({ DEMO_TRAFFIC_RPS: "0" });
  const browser = await launchBrowser();
  try {
    const proxies = (await (await fetch(`${server.dashboardUrl}/meshdash.mesh.v1.MeshService/ListProxies`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { proxies: { id: string; role: string }[] };
    const gateway = proxies.proxies.find((p) => p.role === "PROXY_ROLE_GATEWAY" || p.role === "GATEWAY")?.id ?? proxies.proxies.find((p) => !p.id.startsWith("sidecar~"))!.id;
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const q = new URLSearchParams({ path: "/details/soak/", proxy: gateway, rps: "100000", limit: "100000" });
    await page.goto(`${server.dashboardUrl}/tap?${q}`);
    await page.getByText("Waiting for matching requests").waitFor({ timeout: 30_000 });

    const idle = await measure("idle page (baseline)", page, cdp, 10);
    const profile = process.env.SOAK_PROFILE;
    if (profile) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.start");
    }
    const soak = await measure(`${EVENTS_PER_S} events/s`, page, cdp, SOAK_S, new URL(server.ingressUrl));
    if (profile) await saveProfile(cdp, profile);
    await page.close();

    const rows = [idle, soak].map((w) => ({
      window: w.name,
      "events/s": Math.round(w.events / w.seconds),
      "long tasks": w.longTasks.length,
      "longest task ms": Math.round(Math.max(0, ...w.longTasks)),
      "heap max MB": Number(w.heapMaxMb.toFixed(1)),
      "heap end MB": Number(w.heapEndMb.toFixed(1)),
      "rows held max": w.rowsHeldMax,
      "rows drawn max": w.rowsDrawnMax,
    }));
    console.table(rows);
    const longest = Math.max(0, ...soak.longTasks);
    const verdicts = [
      [`no long task over ${LONG_TASK_MS} ms`, longest <= LONG_TASK_MS, `${longest.toFixed(0)} ms`],
      [`JS heap under ${HEAP_MB} MB`, soak.heapMaxMb < HEAP_MB, `${soak.heapMaxMb.toFixed(1)} MB`],
      ["rows held bounded (5,000 cap)", soak.rowsHeldMax <= 5000, String(soak.rowsHeldMax)],
      ["rows drawn bounded (virtualized)", soak.rowsDrawnMax < 200, String(soak.rowsDrawnMax)],
      [`fed ≥ 90% of ${EVENTS_PER_S} events/s`, soak.events / soak.seconds >= 0.9 * EVENTS_PER_S, `${Math.round(soak.events / soak.seconds)}/s`],
    ] as const;
    console.table(verdicts.map(([target, ok, got]) => ({ target, got, met: ok ? "yes" : "NO" })));
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
