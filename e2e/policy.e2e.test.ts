// Policy in a real browser against the real server: a CheckRule made with the form (a broken CEL
// expression shows at the match field until fixed) denies requests through the ingress with 403 and the
// Policy page counts them; a Quota written in the YAML view throttles a user's third request with 429 and
// the Policy page shows the throttle and the user's empty bucket; deleting it from the editor lifts the limit.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./support/browser";
import { trackPageErrors } from "./support/page-errors";
import { whenHydrated } from "./support/page-probes";
import { startServer, type RunningServer } from "./support/server";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ DEMO_TRAFFIC_RPS: "2" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Uncaught errors in any page this suite opens fail the test that opened it. */
const pageErrors = trackPageErrors();

async function newPage(): Promise<Page> {
  return pageErrors.watch(await browser.newPage());
}

async function head(): Promise<number> {
  const r = await fetch(`${server.dashboardUrl}/meshdash.config.v1.ConfigService/ListRevisions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ limit: 1 }) });
  return Number(((await r.json()) as { head: string }).head);
}

/** Polls `probe` until it returns a value `done` accepts (or fails after `ms`): no fixed sleeps. */
async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 15_000, what = "condition"): Promise<T> {
  const t0 = Date.now();
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() - t0 > ms) throw new Error(`${what} not met in ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

/** Pushes, then waits until every changed proxy ACKed; returns the new revision. */
async function pushAndConverge(page: Page, message: string): Promise<number> {
  await page.locator('input[name="message"]').fill(message);
  const before = await head();
  await page.getByTestId("config-push").click({ timeout: 15_000 });
  const after = before + 1;
  const view = page.locator(`[data-testid="convergence"][data-revision="${after}"]`);
  await view.and(page.locator('[data-done="true"]')).waitFor({ timeout: 20_000 });
  expect(await head()).toBe(after);
  const summary = await view.getByTestId("convergence-summary").textContent();
  expect(summary).toMatch(new RegExp(`ACKed revision ${after}`));
  console.log(`revision ${after} (${message}): ${summary}`);
  return after;
}

const ingress = (path: string, headers: Record<string, string> = {}) => fetch(`${server.ingressUrl}${path}`, { headers });

describe("page security headers", () => {
  it("sends a strict CSP with a fresh nonce per response, which every script the page runs carries", async () => {
    const csp = async () => (await fetch(`${server.dashboardUrl}/policy`)).headers.get("content-security-policy") ?? "";
    const [a, b] = [await csp(), await csp()];
    expect(a).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(a).toContain("object-src 'none'");
    expect(a).toContain("frame-ancestors 'none'");
    expect(a).not.toBe(b);
    const page = await newPage();
    const response = await page.goto(`${server.dashboardUrl}/policy`);
    const nonce = /'nonce-([^']+)'/.exec(response!.headers()["content-security-policy"] ?? "")![1];
    // Every inline script Next rendered carries this response's nonce (the browser hides the attribute's value
    // from the DOM but keeps it in the nonce property).
    const inline = await page.evaluate(() => [...document.querySelectorAll("script:not([src])")].map((s) => (s as HTMLScriptElement).nonce));
    expect(inline.length).toBeGreaterThan(0);
    expect(new Set(inline)).toEqual(new Set([nonce]));
    // The app hydrated (a CSP that blocked Next's scripts would leave a dead page): client navigation works.
    await page.getByRole("link", { name: "Tap" }).click();
    await page.waitForURL(/\/tap/);
    await page.close();
  });
});

describe("Policy", () => {
  it("shows the empty state with both New buttons before any policy exists", async () => {
    const page = await newPage();
    await page.goto(`${server.dashboardUrl}/policy`);
    await page.getByTestId("policy-empty").waitFor();
    expect(await page.getByTestId("policy-empty").textContent()).toContain("kind: CheckRule");
    expect(await page.locator('nav a[href="/policy"]').count()).toBe(1);
    await page.close();
  });

  it("creates a DENY CheckRule with the form; a broken expression shows at the match field; requests get 403 and the page counts them", async () => {
    const page = await newPage();
    await page.goto(`${server.dashboardUrl}/policy`);
    await page.getByTestId("new-check-rule").click();
    await page.waitForURL(/\/config\/edit\?kind=CheckRule$/);
    await page.getByTestId("check-rule-form").waitFor();
    await whenHydrated(page, 'input[name="name"]');
    // The editor lives under /config, but a CheckRule is Policy's: the sidebar says so.
    expect(await page.locator('nav a[aria-current="page"] .nav-label').textContent()).toBe("Policy");

    await page.locator('input[name="name"]').fill("e2e-deny");
    await page.getByTestId("add-selector-label").click();
    await page.locator('input[name="selector-key"]').fill("app");
    await page.locator('input[name="selector-value"]').fill("details");
    expect(await page.locator('select[name="action"]').inputValue()).toBe("DENY");

    // An unfinished expression: the server's dry run compiles it and the error lands at the match field.
    const match = page.locator('textarea[name="match"]');
    await match.fill("request.path.startsWith(");
    const celError = page.locator('[data-testid="field-error"][data-path="spec.match"]');
    await celError.waitFor({ timeout: 10_000 });
    expect(await celError.textContent()).toMatch(/^invalid CEL at 1:\d+: /);
    expect(await celError.getAttribute("data-source")).toBe("server");
    expect(await page.getByTestId("config-push").isDisabled()).toBe(true);

    await match.fill('request.path.startsWith("/details/e2e-denied")');
    await celError.waitFor({ state: "detached", timeout: 10_000 });
    await page.getByTestId("config-diff").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("config-diff").textContent()).toContain("e2e-deny");
    await pushAndConverge(page, "e2e: deny /details/e2e-denied");
    await page.waitForURL(/kind=CheckRule&namespace=default&name=e2e-deny/);
    await page.close();

    const denied = await until(() => ingress("/details/e2e-denied/x").then((r) => r.status), (s) => s === 403, 10_000, "403 from /details/e2e-denied/x");
    expect(denied).toBe(403);
    expect((await ingress("/details/1")).status).toBe(200);

    const policy = await newPage();
    await policy.goto(`${server.dashboardUrl}/policy`);
    const row = policy.locator('[data-testid="policy-row"][data-kind="CheckRule"][data-name="e2e-deny"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("app=details");
    expect(await row.textContent()).toContain('request.path.startsWith("/details/e2e-denied")');
    const deniedCell = row.getByTestId("policy-denied");
    const count = async () => Number((await deniedCell.getAttribute("data-value")) ?? "NaN");
    const first = await until(count, (n) => n >= 1, 10_000, "denied count ≥ 1");
    for (let i = 0; i < 3; i++) expect((await ingress(`/details/e2e-denied/${i}`)).status).toBe(403);
    const later = await until(count, (n) => n >= first + 3, 10_000, `denied count ≥ ${first + 3} (polled)`);
    expect(Number(await policy.getByTestId("policy-total-denied").getAttribute("data-value"))).toBeGreaterThanOrEqual(later);
    console.log(`denied count on the Policy page: ${first} → ${later}`);

    // The row opens the rule in the editor.
    await row.getByTestId("policy-edit").click();
    await policy.waitForURL(/\/config\/edit\?kind=CheckRule&namespace=default&name=e2e-deny/);
    await policy.getByTestId("check-rule-form").waitFor();
    expect(await policy.locator('textarea[name="match"]').inputValue()).toBe('request.path.startsWith("/details/e2e-denied")');
    await policy.close();
  });

  it("creates a Quota in the YAML view; a user's third request gets 429 and the page shows the throttle and the empty bucket", async () => {
    const page = await newPage();
    await page.goto(`${server.dashboardUrl}/policy`);
    await page.getByTestId("new-quota").click();
    await page.waitForURL(/\/config\/edit\?kind=Quota$/);
    await page.getByTestId("quota-form").waitFor();
    await whenHydrated(page, '[data-testid="mode-yaml"]');
    await page.getByTestId("mode-yaml").click();
    await page.getByLabel("Rule YAML").fill(`apiVersion: policy.meshdash.io/v1
kind: Quota
metadata:
  name: e2e-per-user
  namespace: default
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  match: request.path.startsWith("/ratings/e2e-quota")
  dimensions:
    user: request.headers["x-user"]
  maxAmount: 2
  validDuration: 60s
`);
    await page.getByTestId("config-diff").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("validity").textContent()).toBe("valid");
    await pushAndConverge(page, "e2e: 2 per minute per user on /ratings/e2e-quota");
    await page.close();

    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const r = await ingress(`/ratings/e2e-quota/${i}`, { "x-user": "e2e-alice" });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get("retry-after");
    }
    expect(statuses[0]).not.toBe(429);
    expect(statuses[1]).not.toBe(429);
    expect(statuses[2]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another user has a bucket of their own.
    expect((await ingress("/ratings/e2e-quota/0", { "x-user": "e2e-bob" })).status).not.toBe(429);

    const policy = await newPage();
    await policy.goto(`${server.dashboardUrl}/policy`);
    const row = policy.locator('[data-testid="policy-row"][data-kind="Quota"][data-name="e2e-per-user"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("istio=ingressgateway");
    expect(await row.textContent()).toContain("2 / 60s");
    await row.locator('[data-testid="policy-throttled"][data-value="1"]').waitFor({ timeout: 10_000 });
    await policy.locator('[data-testid="policy-total-throttled"][data-value="1"]').waitFor();
    await row.getByTestId("quota-expand").click();
    const bucket = policy.locator('[data-testid="quota-bucket"][data-key="user=e2e-alice"]');
    await bucket.waitFor();
    expect(await bucket.getAttribute("data-tokens")).toBe("0");
    expect(await bucket.getAttribute("data-throttled")).toBe("1");
    expect(await bucket.textContent()).toContain("0 / 2");

    // Deleting it from the editor is a revision too; the editor goes back to the Policy page, which drops the row.
    await row.getByTestId("policy-edit").click();
    await policy.waitForURL(/\/config\/edit\?kind=Quota&namespace=default&name=e2e-per-user/);
    await policy.getByTestId("quota-form").waitFor();
    expect(await policy.locator('input[name="maxAmount"]').inputValue()).toBe("2");
    // The stored rule opens as valid policy.meshdash.io/v1 (the server's dry run finds nothing to fix).
    await policy.locator('[data-testid="validity"]', { hasText: /^valid$/ }).waitFor();
    const before = await head();
    await policy.getByRole("button", { name: "Delete" }).click();
    await policy.getByTestId("confirm-dialog-ok").click();
    await policy.waitForURL(/\/policy$/);
    await row.waitFor({ state: "detached" });
    expect(await head()).toBe(before + 1);
    await policy.locator('[data-testid="policy-row"][data-name="e2e-deny"]').waitFor();
    await until(() => ingress("/ratings/e2e-quota/9", { "x-user": "e2e-alice" }).then((r) => r.status), (s) => s !== 429, 10_000, "no 429 once the quota is deleted");
    await policy.close();
  });
});
