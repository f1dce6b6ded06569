// Process restarts. (1) The runtime in its own process, loaded through its ingress, gets SIGTERM: requests
// already sent must all finish (drain), it must exit by itself, and started again on the same store it must
// hold every revision it had. (2) A store writer is killed with SIGKILL mid-loop: the store must pass its
// integrity check and hold every revision the writer reported committed.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteConfigStore } from "../../server/control-plane/store/sqlite-config-store";
import { REPO_ROOT, startLineChild } from "../line-child";
import { startSteadyLoad } from "../steady-load";
import { failures, failureSummary, wait, type Row, type Scenario } from "./scenario";

const RUNTIME = path.join(REPO_ROOT, "reliability", "runtime-process.ts");

export const sigtermRestart: Scenario = async () => {
  const lost: string[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), "meshdash-restart-"));
  try {
    let rt = startLineChild(RUNTIME, [], { DATA_DIR: dataDir });
    const [, ingress] = /ingress (\S+)/.exec(await rt.line("ingress"))!;
    rt.proc.stdin!.write("write 20\n");
    const head = Number((await rt.line("head")).split(" ")[1]);
    // /reviews reaches reviews v3 a third of the time, which answers in 0.3–1.2 s: requests are in flight.
    const load = startSteadyLoad({ address: ingress!, authority: "bookinfo.local", path: "/reviews/1", rps: 50, connections: 32, timeoutMs: 10_000 });
    await wait(2000);
    const termAt = performance.now();
    rt.proc.kill("SIGTERM");
    const drained = await rt.line("drained").then(() => true, () => false);
    const code = await rt.exited;
    const downAt = performance.now();
    await load.stop();
    if (!drained || code !== 0) lost.push(`the runtime did not drain and exit cleanly (exit ${code})`);
    const before = load.between(0, termAt);
    const failedBefore = failures(before);
    const inFlight = before.filter((o) => o.at + o.latencyMs > termAt).length;
    if (failedBefore.length) lost.push(`${failedBefore.length} requests sent before SIGTERM failed (${failureSummary(before)})`);
    rt = startLineChild(RUNTIME, [], { DATA_DIR: dataDir });
    const restartedHead = Number(/head (\d+)/.exec(await rt.line("ingress"))![1]);
    rt.proc.kill("SIGTERM");
    await rt.exited;
    if (restartedHead !== head) lost.push(`head was ${head} before the restart and ${restartedHead} after`);
    const store = openSqliteConfigStore({ path: path.join(dataDir, "config.db") });
    try {
      const unreadable = Array.from({ length: head }, (_, i) => i + 1).filter((rev) => store.revision(rev) === undefined);
      if (unreadable.length) lost.push(`revisions ${unreadable.join(", ")} cannot be read after the restart`);
      if (store.checkIntegrity() !== "ok") lost.push(`integrity check: ${store.checkIntegrity()}`);
    } finally {
      store.close();
    }
    const row: Row = {
      fault: "SIGTERM under load, then start again",
      requests: before.length,
      failed: failedBefore.length,
      recoveryMs: downAt - termAt,
      lost,
      detail: `${inFlight} requests in flight at SIGTERM drained; recovery = SIGTERM → exit; ${head} revisions before, ${restartedHead} after, all readable`,
    };
    return row;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export const killDuringWrite: Scenario = async () => {
  const lost: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "meshdash-kill9-"));
  const file = path.join(dir, "config.db");
  try {
    const writer = startLineChild(path.join(REPO_ROOT, "server/control-plane/store/store-writer.fixture.mts"), [file], {});
    const printed: number[] = [];
    for (;;) {
      const l = await writer.line("");
      printed.push(Number(l));
      if (printed.length >= 200) break;
    }
    writer.proc.kill("SIGKILL");
    await writer.exited;
    const store = openSqliteConfigStore({ path: file });
    try {
      const integrity = store.checkIntegrity();
      if (integrity !== "ok") lost.push(`integrity check: ${integrity}`);
      const missing = printed.filter((rev) => store.revision(rev)?.message !== `write ${rev}`);
      if (missing.length) lost.push(`${missing.length} reported revisions missing (first ${missing[0]})`);
      return {
        fault: "kill -9 during store writes",
        requests: 0,
        failed: 0,
        recoveryMs: undefined,
        lost,
        detail: `writer killed after ${printed.length} reported commits; store head ${store.head()}, integrity ${integrity}, every reported revision readable: ${missing.length ? "no" : "yes"}`,
      };
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
