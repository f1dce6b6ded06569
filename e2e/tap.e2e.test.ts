// Tap in a real browser: a new user sees live demo traffic with no other step, and a tap filtered to a
// unique path shows exactly the requests this test sends through the ingress; the expanded row explains the
// route, a 5xx-only filter shows only the failing requests, Pause holds the table while collecting, JSON/HAR
// exports hold the rows shown, bodies are captured (redacted) on request, and max-RPS drops are counted.
// LCP is printed.
// Then SIGTERM exits 0 in 5 s.

import { readFile } from "node:fs/promises";
import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./support/browser";
import { activeTaps, lcpMs } from "./support/page-probes";
import { startServer, type RunningServer } from "./support/server";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ DEMO_TRAFFIC_RPS: "10" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function waitUntil(cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The page says it waits for matching requests only once the server said the tap is registered on every
 * proxy in scope (Observe's first, empty message), so requests sent from then on are seen.
 */
async function tapRegistered(page: Page): Promise<void> {
  await page.getByText("Waiting for matching requests").waitFor();
}

/**
 * Opens the Tap page (`query`: a shared link's filters) and waits until it runs in the browser: its tap is
 * streaming. Pages render per request (each carries its CSP nonce), so the HTML can be on screen before React
 * has hydrated it, and typing into the form then would be lost.
 */
async function openTap(page: Page, query = ""): Promise<void> {
  await page.goto(`${server.dashboardUrl}/tap${query ? `?${query}` : ""}`);
  await page.getByTestId("tap-status-line").filter({ hasText: "Tapping live" }).waitFor();
}

/** Taps a unique path with limit 2 × requests, sends the requests through the ingress and waits for the tap to end. */
async function tapUnique(page: Page, tag: string, requests: number): Promise<string[]> {
  const unique = `/details/e2e-${tag}-${Date.now()}`;
  await openTap(page);
  await page.locator('input[name="path"]').fill(unique);
  await page.locator('input[name="limit"]').fill(String(requests * 2));
  await page.getByTestId("tap-start").click();
  await page.waitForURL((u) => u.searchParams.get("path") === unique);
  await tapRegistered(page);
  const sent = Array.from({ length: requests }, (_, i) => `${unique}/${i}`);
  for (const p of sent) expect((await fetch(`${server.ingressUrl}${p}`)).status).toBe(200);
  return sent;
}

// Every test starts once the taps of the tests before it are gone (each closes its page), so counting
// active taps tells when this test's tap has reached the proxies.
beforeEach(async () => {
  await waitUntil(async () => (await activeTaps(server.adminUrl)) === 0);
});

describe("Tap page", () => {
  it("shows live demo traffic as soon as it opens", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.dashboardUrl}/tap`);
    await page.getByTestId("tap-row").first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("tap-status-line").textContent()).toContain("Tapping live");
    expect(await activeTaps(server.adminUrl)).toBe(1);
    // Leaving the page ends the stream, and the proxy drops the tap at once.
    await page.close();
    await waitUntil(async () => (await activeTaps(server.adminUrl)) === 0);
  });

  it("taps a unique path and shows exactly the requests the test sent, at the gateway and at the sidecar", async () => {
    const page = await browser.newPage();
    const unique = `/details/e2e-${Date.now()}`;
    await openTap(page);
    await page.locator('input[name="path"]').fill(unique);
    // Each request crosses two proxies (the ingress gateway, then the details sidecar): two streams each.
    await page.locator('input[name="limit"]').fill("6");
    await page.getByTestId("tap-start").click();
    await page.waitForURL((u) => u.searchParams.get("path") === unique);
    await tapRegistered(page);
    const sent = [`${unique}/a`, `${unique}/b`, `${unique}/c`];
    for (const p of sent) expect((await fetch(`${server.ingressUrl}${p}`)).status).toBe(200);
    await page.locator(`[data-testid="tap-row"][data-path="${sent[2]}"]`).first().waitFor();
    await page.getByText("Tap ended: limit of 6 requests reached").waitFor();
    const paths = await page.getByTestId("tap-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path")));
    expect(paths.sort()).toEqual([...sent, ...sent].sort());
    const statuses = await page.getByTestId("tap-status").allTextContents();
    expect(statuses).toEqual(["200", "200", "200", "200", "200", "200"]);
    // The shared link reproduces the tap.
    expect(new URL(page.url()).searchParams.get("limit")).toBe("6");
    await page.close();
  });

  it("shows the validation error and keeps Start disabled for a bad filter", async () => {
    const page = await browser.newPage();
    await openTap(page);
    await page.locator('input[name="path"]').fill("no-slash");
    await page.getByText('must start with "/"').waitFor();
    expect(await page.getByTestId("tap-start").isDisabled()).toBe(true);
    await page.close();
  });
});

describe("Tap page, issue 6", () => {
  it("keeps every filter in the URL, so a shared link reopens the same tap", async () => {
    const page = await browser.newPage();
    const q = "path=%2Fdetails&pathMatch=exact&method=GET&dir=inbound&status=2xx&latency=0ms&rps=50&body=4096&limit=7";
    await openTap(page, q);
    // The advanced filters open by themselves when the link sets any.
    expect(await page.locator('select[name="pathMatch"]').inputValue()).toBe("exact");
    expect(await page.locator('select[name="dir"]').inputValue()).toBe("inbound");
    expect(await page.locator('input[name="status"]').inputValue()).toBe("2xx");
    expect(await page.locator('select[name="body"]').inputValue()).toBe("4096");
    expect(await page.locator('input[name="rps"]').inputValue()).toBe("50");
    // Scope choices come from the registry and the mesh.
    await page.locator('select[name="service"] option', { hasText: "details" }).first().waitFor({ state: "attached" });
    expect(await page.locator('select[name="proxy"] option').count()).toBeGreaterThan(2);
    await page.locator('input[name="src"]').fill("10.0.0.0/33");
    await page.getByText("the mask is 0 to 32").waitFor();
    expect(await page.getByTestId("tap-start").isDisabled()).toBe(true);
    await page.locator('input[name="src"]').fill("127.0.0.0/8");
    await page.getByTestId("tap-start").click();
    await page.waitForURL((u) => u.searchParams.get("src") === "127.0.0.0/8" && u.searchParams.get("dir") === "inbound" && u.searchParams.get("limit") === "7");
    await page.close();
  });

  it("explains a row's route, with a link into the route tree", async () => {
    const page = await browser.newPage();
    const sent = await tapUnique(page, "detail", 1);
    await page.getByText("Tap ended: limit of 2 requests reached").waitFor();
    await page.locator(`[data-testid="tap-row"][data-path="${sent[0]}"]`).first().click();
    const explain = page.getByTestId("tap-route-explain");
    await explain.waitFor();
    const text = (await explain.textContent()) ?? "";
    for (const label of ["Listener", "Virtual host", "Route", "Cluster", "Endpoint", "Retries", "Response flags", "Config version"]) expect(text).toContain(label);
    const href = await page.getByTestId("tap-route-link").getAttribute("href");
    expect(href).toMatch(/^\/routes\?proxy=.+&q=.+/);
    expect(await page.getByTestId("tap-request-headers").textContent()).toContain("host");
    await page.close();
  });

  it("Pause holds the table while the tap keeps collecting; Resume shows what arrived", async () => {
    const page = await browser.newPage();
    const unique = `/details/e2e-pause-${Date.now()}`;
    await page.goto(`${server.dashboardUrl}/tap?path=${encodeURIComponent(unique)}&limit=4`);
    await tapRegistered(page);
    await page.getByTestId("tap-pause").click();
    await page.getByText("Paused (still collecting)").waitFor();
    for (const p of [`${unique}/a`, `${unique}/b`]) expect((await fetch(`${server.ingressUrl}${p}`)).status).toBe(200);
    await page.getByText("Tap ended: limit of 4 requests reached").waitFor();
    await new Promise((r) => setTimeout(r, 600));
    expect(await page.getByTestId("tap-row").count()).toBe(0);
    await page.getByTestId("tap-pause").click();
    await page.locator(`[data-testid="tap-row"][data-path="${unique}/b"]`).first().waitFor();
    expect(await page.getByTestId("tap-row").count()).toBe(4);
    await page.close();
  });

  it("exports the rows shown as JSON and as HAR 1.2", async () => {
    const page = await browser.newPage();
    const sent = await tapUnique(page, "export", 2);
    await page.getByText("Tap ended: limit of 4 requests reached").waitFor();
    await page.locator(`[data-testid="tap-row"][data-path="${sent[1]}"]`).first().waitFor();
    const shown = (await page.getByTestId("tap-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path") ?? ""))).sort();
    expect(shown).toEqual([...sent, ...sent].sort());

    const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("tap-export-json").click()]);
    expect(jsonDownload.suggestedFilename()).toMatch(/^meshdash-tap-.*\.json$/);
    const json = JSON.parse(await readFile((await jsonDownload.path())!, "utf8")) as { streams: { path: string; method: string; status: number; proxy: string; cluster: string; latencyMs: number }[] };
    expect(json.streams.map((s) => s.path).sort()).toEqual(shown);
    for (const s of json.streams) {
      expect(s).toMatchObject({ method: "GET", status: 200 });
      expect(s.proxy).not.toBe("");
      expect(s.latencyMs).toBeGreaterThanOrEqual(0);
    }

    const [harDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("tap-export-har").click()]);
    expect(harDownload.suggestedFilename()).toMatch(/^meshdash-tap-.*\.har$/);
    const har = JSON.parse(await readFile((await harDownload.path())!, "utf8")) as {
      log: { version: string; creator: { name: string }; entries: { startedDateTime: string; time: number; request: { method: string; url: string; headers: { name: string }[] }; response: { status: number; headers: unknown[]; content: { size: number } }; timings: { send: number; wait: number; receive: number } }[] };
    };
    expect(har.log.version).toBe("1.2");
    expect(har.log.creator.name).toBe("meshdash");
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname).sort()).toEqual(shown);
    for (const e of har.log.entries) {
      expect(e.request.method).toBe("GET");
      expect(e.request.headers.length).toBeGreaterThan(0);
      expect(e.response.status).toBe(200);
      expect(Number.isNaN(Date.parse(e.startedDateTime))).toBe(false);
      expect(e.timings.wait).toBeGreaterThanOrEqual(0);
      expect(e.time).toBeCloseTo(e.timings.send + e.timings.wait + e.timings.receive, 5);
    }
    await page.close();
  });

  it("captures bodies when asked, with secrets redacted, as text or hex, and in the HAR", async () => {
    const page = await browser.newPage();
    const unique = `/details/e2e-body-${Date.now()}`;
    await page.goto(`${server.dashboardUrl}/tap?path=${encodeURIComponent(unique)}&body=1024&limit=2`);
    await tapRegistered(page);
    const sent = await fetch(`${server.ingressUrl}${unique}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: "hunter2", note: "hello tap" }) });
    expect(sent.status).toBe(200);
    await page.getByText("Tap ended: limit of 2 requests reached").waitFor();
    await page.getByTestId("tap-row").first().click();
    const request = page.getByTestId("tap-body").first();
    await request.waitFor();
    const text = (await request.textContent()) ?? "";
    expect(text).toContain("hello tap");
    expect(text).toContain("[REDACTED]");
    expect(text).not.toContain("hunter2");
    expect(text).toContain("redacted");
    await page.getByRole("button", { name: "Hex", exact: true }).click();
    expect(await request.locator("pre").textContent()).toMatch(/^00000000  7b 22/);
    const [har] = await Promise.all([page.waitForEvent("download"), page.getByTestId("tap-export-har").click()]);
    const log = JSON.parse(await readFile((await har.path())!, "utf8")) as { log: { entries: { request: { method: string; postData?: { text: string } } }[] } };
    for (const e of log.log.entries) {
      expect(e.request.method).toBe("POST");
      expect(e.request.postData?.text).toContain("hello tap");
      expect(e.request.postData?.text).not.toContain("hunter2");
    }
    await page.close();
  });

  it("with a 5xx-only filter shows only the failing requests", async () => {
    // A gateway route for this test's own host: /e2e-5xx/fail aborts with 503 (Istio fault), /e2e-5xx/ok serves.
    const host = `e2e-5xx-${Date.now()}.local`;
    const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: e2e-5xx, namespace: default }
spec:
  hosts: [${host}]
  gateways: [bookinfo-gateway]
  http:
    - name: fail
      match: [{ uri: { prefix: /e2e-5xx/fail } }]
      fault: { abort: { httpStatus: 503, percentage: { value: 100 } } }
      route: [{ destination: { host: details, port: { number: 9080 } } }]
    - name: ok
      match: [{ uri: { prefix: /e2e-5xx/ok } }]
      rewrite: { uri: /details/1 }
      route: [{ destination: { host: details, port: { number: 9080 } } }]
`;
    const applied = await fetch(`${server.dashboardUrl}/meshdash.config.v1.ConfigService/ApplyConfig`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ yaml, author: "e2e", message: "tap 5xx test route" }) });
    expect(applied.status).toBe(200);
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(server.ingressUrl);
        http.get({ host: u.hostname, port: u.port, path, headers: { host } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        }).on("error", reject);
      });
    await waitUntil(async () => (await get("/e2e-5xx/fail/warmup")) === 503, 15_000);
    expect(await get("/e2e-5xx/ok/warmup")).toBe(200);

    const page = await browser.newPage();
    await page.goto(`${server.dashboardUrl}/tap?path=${encodeURIComponent("/e2e-5xx/")}&status=5xx&limit=100`);
    await tapRegistered(page);
    // The successes go first: once the failures show, the successes had their chance to show too.
    for (let i = 0; i < 3; i++) expect(await get(`/e2e-5xx/ok/${i}`)).toBe(200);
    for (let i = 0; i < 2; i++) expect(await get(`/e2e-5xx/fail/${i}`)).toBe(503);
    await page.locator('[data-testid="tap-row"][data-path="/e2e-5xx/fail/1"]').first().waitFor();
    const paths = await page.getByTestId("tap-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path")));
    expect(paths.sort()).toEqual(["/e2e-5xx/fail/0", "/e2e-5xx/fail/1"]);
    expect(await page.getByTestId("tap-status").allTextContents()).toEqual(["503", "503"]);
    await page.close();
  });

  it("shows how many requests the max RPS left out", async () => {
    const page = await browser.newPage();
    const unique = `/details/e2e-rps-${Date.now()}`;
    await page.goto(`${server.dashboardUrl}/tap?path=${encodeURIComponent(unique)}&rps=1&limit=1000`);
    await tapRegistered(page);
    await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${server.ingressUrl}${unique}/${i}`)));
    await page.getByTestId("tap-drops").getByText("over max RPS").waitFor({ timeout: 10_000 });
    await page.close();
  });

  it("paints quickly (LCP printed; target 1 s)", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.dashboardUrl}/tap`, { waitUntil: "load" }); // warm-up
    await page.goto(`${server.dashboardUrl}/tap`, { waitUntil: "load" });
    await page.getByTestId("tap-status-line").waitFor();
    const lcp = await lcpMs(page);
    console.log(`LCP /tap: ${lcp.toFixed(0)} ms`);
    expect(lcp).toBeGreaterThan(0);
    expect(lcp).toBeLessThan(4000);
    await page.close();
  });
});

describe("process", () => {
  it("drains and exits 0 within 5 s on SIGTERM", async () => {
    const { code, ms } = await server.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(server.output()).toContain("stopped");
  });
});
