// Top in a real browser: demo traffic shows up as aggregated rows, requests this test sends are counted
// under their own path, the table sorts, and clicking a row opens Tap with that row's filter in the URL
// (which then taps exactly that path). LCP is printed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./support/browser";
import { lcpMs } from "./support/page-probes";
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

async function countsFor(page: Page, path: string): Promise<number[]> {
  return page.locator(`[data-testid="top-row"][data-path="${path}"] [data-testid="top-count"]`).evaluateAll((cells) => cells.map((c) => Number((c.textContent ?? "").replace(/,/g, ""))));
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("Top page", () => {
  it("aggregates demo traffic and this test's requests, sorts, and opens Tap for a row", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.dashboardUrl}/top`);
    await page.getByTestId("top-row").first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("top-status-line").textContent()).toContain("Live");

    // Sorting: path A→Z, then Z→A; the rendered rows (a contiguous window) are in order, and the sort is in the URL.
    await page.getByTestId("top-sort-path").click();
    await page.getByTestId("top-sort-path").click();
    expect(await page.getByTestId("top-sort-path").getAttribute("aria-sort")).toBe("descending");
    expect(new URL(page.url()).searchParams.get("sort")).toBe("path");
    expect(new URL(page.url()).searchParams.get("order")).toBe("desc");
    const paths = await page.getByTestId("top-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path") ?? ""));
    expect(paths.length).toBeGreaterThan(1);
    expect(paths).toEqual([...paths].sort((a, b) => b.localeCompare(a)));

    // Narrow Top to a unique path: three requests through the ingress cross two proxies, six streams in all.
    // The page says "waiting" once the server said the new tap is registered on the proxies (Observe's
    // first, empty message), so requests sent from then on are counted.
    const unique = `/details/top-e2e-${Date.now()}`;
    await page.locator('input[name="path"]').fill(unique);
    await page.getByTestId("tap-start").click();
    await page.waitForURL((u) => u.searchParams.get("path") === unique && u.searchParams.get("sort") === "path");
    await page.getByText("Waiting for requests").waitFor();
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.ingressUrl}${unique}`)).status).toBe(200);
    await waitFor(async () => (await countsFor(page, unique)).reduce((a, b) => a + b, 0) === 6);
    expect(await page.getByTestId("top-row").count()).toBeGreaterThanOrEqual(1);

    // Open the busiest of its rows (the gateway's: every request crosses it; sidecar replicas share the rest).
    const counts = await countsFor(page, unique);
    await page.locator(`[data-testid="top-row"][data-path="${unique}"]`).nth(counts.indexOf(Math.max(...counts))).click();
    await page.waitForURL((u) => u.pathname === "/tap");
    const url = new URL(page.url());
    console.log(`Top row opened ${url.pathname}${url.search}`);
    expect(url.searchParams.get("path")).toBe(unique);
    expect(url.searchParams.get("pathMatch")).toBe("exact");
    expect(url.searchParams.get("method")).toBe("GET");
    expect(url.searchParams.get("dir")).toMatch(/^(inbound|outbound)$/);
    // The Tap it opened is live and filtered to that exact path.
    await page.getByText("Waiting for matching requests").waitFor();
    for (let i = 0; i < 4; i++) expect((await fetch(`${server.ingressUrl}${unique}`)).status).toBe(200);
    expect((await fetch(`${server.ingressUrl}${unique}/deeper`)).status).toBe(200);
    await page.locator(`[data-testid="tap-row"][data-path="${unique}"]`).first().waitFor();
    await new Promise((r) => setTimeout(r, 500));
    const tapped = await page.getByTestId("tap-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path")));
    expect(tapped.every((p) => p === unique)).toBe(true);
    await page.close();
  });

  it("shows the empty state for a filter nothing matches, and Stop ends the stream", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.dashboardUrl}/top?path=/never-${Date.now()}`);
    await page.getByText("Waiting for requests").waitFor();
    await page.getByTestId("top-stop").click();
    await page.getByText("No requests counted").waitFor();
    expect(await page.getByTestId("top-status-line").textContent()).toContain("Stopped");
    await page.close();
  });

  it("paints quickly (LCP printed; target 1 s)", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.dashboardUrl}/top`, { waitUntil: "load" }); // warm-up
    await page.goto(`${server.dashboardUrl}/top`, { waitUntil: "load" });
    await page.getByTestId("top-status-line").waitFor();
    const lcp = await lcpMs(page);
    console.log(`LCP /top: ${lcp.toFixed(0)} ms`);
    expect(lcp).toBeGreaterThan(0);
    expect(lcp).toBeLessThan(4000);
    await page.close();
  });
});
