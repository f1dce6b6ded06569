// Test fixture: runtime options on ephemeral loopback ports with a fresh config-store folder, so tests
// never touch a developer's .data/ nor each other's stores.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_RUNTIME_OPTIONS, type RuntimeOptions } from "../runtime/runtime-options";

export function testRuntimeOptions(overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return {
    ...DEFAULT_RUNTIME_OPTIONS,
    ingressPort: 0,
    adminPort: 0,
    xdsPort: 0,
    demoTrafficRps: 0,
    ...overrides,
    dataDir: overrides.dataDir ?? mkdtempSync(path.join(tmpdir(), "meshdash-data-")),
  };
}
