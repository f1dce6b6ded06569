// Test fixture: registers teardown work (servers, proxies) that runs after each test, newest first.

import { afterEach } from "vitest";

export function cleanupAfterEach(): (fn: () => Promise<void> | void) => void {
  const fns: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (fns.length) await fns.pop()!();
  });
  return (fn) => void fns.push(fn);
}
