// A helper process for the reliability run (a runtime, a store writer, an idle-connection holder): started
// with tsx from the repository root, stdin piped, answering on stdout one line at a time.

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface LineChild {
  proc: ChildProcess;
  /** The next stdout line starting with `prefix` (already printed or still to come); rejects if it exits first. */
  line(prefix: string): Promise<string>;
  exited: Promise<number | null>;
}

export function startLineChild(script: string, args: string[], env: Record<string, string>): LineChild {
  const proc = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiters: [string, (l: string) => void][] = [];
  readline.createInterface({ input: proc.stdout! }).on("line", (l) => {
    const i = waiters.findIndex(([p]) => l.startsWith(p));
    if (i >= 0) waiters.splice(i, 1)[0]![1](l);
    else lines.push(l);
  });
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return {
    proc,
    exited,
    line(prefix) {
      const seen = lines.findIndex((l) => l.startsWith(prefix));
      if (seen >= 0) return Promise.resolve(lines.splice(seen, 1)[0]!);
      return Promise.race([new Promise<string>((resolve) => waiters.push([prefix, resolve])), exited.then((c) => Promise.reject(new Error(`${path.basename(script)} exited (${c}) before printing "${prefix}"`)))]);
    },
  };
}
