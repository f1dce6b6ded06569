// Tap in a real browser: a new user sees live demo traffic with no other step, and a tap filtered to a
// unique path shows exactly the requests this test sends through the ingress. Then SIGTERM exits 0 in 5 s.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./support/browser";
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

/** The ingress proxy's `tap.active` gauge, read from its admin API. */
async function activeTaps(): Promise<number> {
  const text = await (await fetch(`${server.adminUrl}/stats?filter=^tap\\.active$`)).text();
  return Number(/tap\.active: (\d+)/.exec(text)?.[1] ?? NaN);
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Tap page", () => {
  it("shows live demo traffic as soon as it opens", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.dashboardUrl}/tap`);
    await page.getByTestId("tap-row").first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("tap-status-line").textContent()).toContain("Tapping live");
    expect(await activeTaps()).toBe(1);
    // Leaving the page ends the stream, and the proxy drops the tap at once.
    await page.close();
    await waitUntil(async () => (await activeTaps()) === 0);
  });

  it("taps a unique path and shows exactly the requests the test sent, at the gateway and at the sidecar", async () => {
    const page = await browser.newPage();
    const unique = `/details/e2e-${Date.now()}`;
    await page.goto(`${server.dashboardUrl}/tap`);
    await page.locator('input[name="path"]').fill(unique);
    // Each request crosses two proxies (the ingress gateway, then the details sidecar): two streams each.
    await page.locator('input[name="limit"]').fill("6");
    await page.getByTestId("tap-start").click();
    await page.waitForURL((u) => u.searchParams.get("path") === unique);
    await page.getByText("Waiting for matching requests").waitFor();
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
    await page.goto(`${server.dashboardUrl}/tap`);
    await page.locator('input[name="path"]').fill("no-slash");
    await page.getByText('must start with "/"').waitFor();
    expect(await page.getByTestId("tap-start").isDisabled()).toBe(true);
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
