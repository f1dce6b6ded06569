// Guards the layout in ARCHITECTURE.md: imports point proto ← proxy-engine ← server ← app, generated code
// lives only in proto/gen, and every hand-written source file starts with a line saying what it is for.

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.dirname(new URL(import.meta.url).pathname);
const SKIP = new Set(["node_modules", ".next", ".git", "gen"]);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts)$/.test(entry) && !entry.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(IMPORT)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

/** Top-level folder an import lands in, or undefined for packages and node builtins. */
function targetFolder(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const abs = path.resolve(path.dirname(file), spec);
  return path.relative(root, abs).split(path.sep)[0];
}

const FORBIDDEN: Record<string, string[]> = {
  "proxy-engine": ["server", "app", "e2e"],
  server: ["app", "e2e"],
  app: ["server", "proxy-engine", "e2e"],
  proto: ["proxy-engine", "server", "app", "e2e"],
};

describe("architecture", () => {
  it("keeps imports pointing proto ← proxy-engine ← server ← app", () => {
    const violations: string[] = [];
    for (const [folder, banned] of Object.entries(FORBIDDEN)) {
      for (const file of sources(path.join(root, folder))) {
        for (const spec of importsOf(file)) {
          const target = targetFolder(file, spec);
          if (target && banned.includes(target)) violations.push(`${path.relative(root, file)} imports ${spec} (${folder} must not import ${target})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("the import scanner sees static, re-export and dynamic imports (so the check above can fail)", () => {
    const fake = path.join(root, "proxy-engine", "x.ts");
    expect(targetFolder(fake, "../server/runtime/runtime")).toBe("server");
    const text = `import a from "../server/a";\nexport { b } from '../app/b';\nconst c = await import("../server/c");\nimport "../app/side-effect";\n`;
    const specs = [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(specs).toEqual(["../server/a", "../app/b", "../server/c", "../app/side-effect"]);
  });

  it("starts every hand-written source file with a line saying what it is for", () => {
    const bare: string[] = [];
    for (const folder of ["proxy-engine", "server", "app", "e2e", "scripts", "bench"]) {
      let files: string[] = [];
      try {
        files = sources(path.join(root, folder));
      } catch {
        continue;
      }
      for (const file of files) {
        if (file.endsWith(".test.ts")) continue;
        const first = readFileSync(file, "utf8").split("\n", 1)[0] ?? "";
        if (!first.startsWith("//") && !first.startsWith("/*")) bare.push(path.relative(root, file));
      }
    }
    expect(bare).toEqual([]);
  });
});
