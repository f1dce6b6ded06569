// Runs `next build` when the production build is missing or older than any page source, so
// `npm start` and the e2e suite always serve the current app/ without rebuilding needlessly.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildId = path.join(root, ".next", "BUILD_ID");

function newestMtime(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

const inputs = ["app", "proto/gen", "next.config.ts", "package.json", "tsconfig.json"].map((p) => path.join(root, p)).filter(existsSync);
const stale = !existsSync(buildId) || inputs.some((p) => newestMtime(p) > statSync(buildId).mtimeMs);
if (stale) {
  console.log("meshdash: building the dashboard (next build)…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
