// Starts the real server (`node --import tsx server/main.ts`) on ephemeral ports and reads the URLs it
// prints. The caller stops it with SIGTERM and can check that it exits 0 in time.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface RunningServer {
  dashboardUrl: string;
  ingressUrl: string;
  adminUrl: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code and how long the exit took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", INGRESS_PORT: "0", ADMIN_PORT: "0", XDS_PORT: "0", MESHDASH_DATA_DIR: mkdtempSync(path.join(tmpdir(), "meshdash-e2e-")), NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const urls = await new Promise<{ dashboard: string; ingress: string; admin: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not become ready in 60s:\n${out}`)), 60_000);
    const check = () => {
      const dashboard = /dashboard\s+(http:\/\/\S+)/.exec(out)?.[1];
      const ingress = /ingress\s+(http:\/\/\S+)/.exec(out)?.[1];
      const admin = /admin\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (dashboard && ingress && admin) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve({ dashboard, ingress, admin });
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${out}`));
    });
  });
  return {
    dashboardUrl: urls.dashboard,
    ingressUrl: urls.ingress,
    adminUrl: urls.admin,
    output: () => out,
    async stop() {
      const t0 = Date.now();
      if (child.exitCode !== null) return { code: child.exitCode, ms: 0 };
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(kill);
      return { code, ms: Date.now() - t0 };
    },
  };
}
