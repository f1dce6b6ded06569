// Fails when proto/gen is out of date with the .proto files (ours, and the Envoy API closure read from
// @grpc/grpc-js-xds): regenerates into a temporary folder and compares every file byte for byte.
// Fix with `npm run gen`.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const out = mkdtempSync(path.join(tmpdir(), "meshdash-gen-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function files(dir: string, base = dir): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) for (const [k, v] of files(p, base)) m.set(k, v);
    else m.set(path.relative(base, p), readFileSync(p, "utf8"));
  }
  return m;
}

describe("generated code", () => {
  it("matches what `npm run gen` produces from the .proto files", { timeout: 60_000 }, () => {
    execFileSync(process.execPath, [path.join(root, "scripts", "gen.mjs"), out], { cwd: root, stdio: "pipe" });
    const fresh = files(out);
    const committed = files(path.join(root, "proto", "gen"));
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [name, text] of fresh) expect(committed.get(name), `${name} is stale: run npm run gen`).toBe(text);
  });

  it("passes buf lint", () => {
    const buf = path.join(root, "node_modules", ".bin", "buf");
    expect(() => execFileSync(buf, ["lint", "proto"], { cwd: root, stdio: "pipe" })).not.toThrow();
  });
});
