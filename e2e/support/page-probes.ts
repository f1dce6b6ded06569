// What the suites read besides the page itself: the page's Largest Contentful Paint, the ingress gateway's
// `tap.active` gauge from its admin API (how many taps the proxies hold right now), and whether React has
// hydrated an element yet.

import type { Page } from "playwright-core";

/** The page's Largest Contentful Paint so far, in ms since navigation start (-1 if none was reported). */
export async function lcpMs(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1]?.startTime ?? -1);
        }).observe({ type: "largest-contentful-paint", buffered: true });
        setTimeout(() => resolve(-1), 3000);
      }),
  );
}

/** The ingress gateway's `tap.active` gauge, read from its admin API at `adminUrl`. */
export async function activeTaps(adminUrl: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/stats?filter=^tap\\.active$`)).text();
  return Number(/tap\.active: (\d+)/.exec(text)?.[1] ?? NaN);
}

/**
 * Waits until React has hydrated the element `selector` matches (its props, event handlers included, are
 * attached to the node). Pages render per request, so their HTML can be on screen, and clickable or
 * fillable, before that; a click or typing then is lost.
 */
export async function whenHydrated(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el !== null && Object.keys(el).some((k) => k.startsWith("__reactProps$"));
  }, selector);
}
