// Uncaught errors and Content-Security-Policy violations in the pages a suite opens: pages are watched as they are made, and each test ends by
// checking there were none (registers its own afterEach).

import { afterEach, expect } from "vitest";
import type { Page } from "playwright-core";

export interface PageErrors {
  /** Records the page's uncaught errors under `label` (its URL at the time by default); returns the page. */
  watch(page: Page, label?: string): Page;
}

export function trackPageErrors(): PageErrors {
  const errors: string[] = [];
  afterEach(() => {
    expect(errors.splice(0)).toEqual([]);
  });
  return {
    watch(page, label) {
      page.on("pageerror", (e) => errors.push(`${label ?? page.url()}: ${e.message}`));
      // The pages send a strict CSP: anything it blocks is a bug (a script without the nonce, a foreign fetch).
      page.on("console", (m) => {
        if (m.type() === "error" && /Content Security Policy/i.test(m.text())) errors.push(`${label ?? page.url()}: ${m.text()}`);
      });
      return page;
    },
  };
}
