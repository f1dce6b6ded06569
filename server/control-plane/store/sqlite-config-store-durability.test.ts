// The SQLite config store on disk: survives close/reopen and a kill -9 of a writer mid-loop, refuses
// corrupted and newer-schema files with a StoreError naming the path, and creates missing directories.

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError, type ConfigKey } from "./config-store";
import { openSqliteConfigStore, type SqliteConfigStore } from "./sqlite-config-store";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const vs = (name: string): ConfigKey => ({ kind: "VirtualService", namespace: "default", name });

let dir: string;
let child: ChildProcess | undefined;
const open: SqliteConfigStore[] = [];
const openStore = (file: string): SqliteConfigStore => {
  const s = openSqliteConfigStore({ path: file });
  open.push(s);
  return s;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-store-durability-"));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
  child = undefined;
  for (const s of open.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the revisions the writer has printed once there are at least `min`; rejects if it exits first. */
function waitForRevisions(proc: ChildProcess, printed: number[], min: number): Promise<void> {
  let partial = "";
  let stderr = "";
  return new Promise((resolve, reject) => {
    proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.stdout!.on("data", (d: Buffer) => {
      const lines = (partial + d.toString()).split("\n");
      partial = lines.pop()!; // a line cut off by the kill is not a completed commit
      for (const l of lines) printed.push(Number(l));
      if (printed.length >= min) resolve();
    });
    proc.once("exit", (code, signal) => reject(new Error(`writer exited early (${code ?? signal}): ${stderr}`)));
  });
}

describe("sqlite config store: durability", () => {
  it("keeps everything across close and reopen", () => {
    const file = path.join(dir, "config.db");
    let s = openStore(file);
    s.commit({ expectedRevision: 0, author: "alice", message: "one", changes: [{ ...vs("a"), op: "put", spec: { v: 1 } }] });
    s.commit({ expectedRevision: 1, author: "bob", message: "two", changes: [{ ...vs("b"), op: "put", spec: { v: 2 } }, { ...vs("a"), op: "delete" }] });
    s.rollback(1, { author: "carol" });
    const before = { list: s.list(), at2: s.list(2), revisions: s.revisions() };
    s.close();

    s = openStore(file);
    expect(s.head()).toBe(3);
    expect({ list: s.list(), at2: s.list(2), revisions: s.revisions() }).toEqual(before);
    expect(s.revision(3)).toMatchObject({ author: "carol", rollbackOf: 1 });
    expect(s.commit({ expectedRevision: 3, author: "dave", message: "four", changes: [{ ...vs("c"), op: "put", spec: {} }] }).revision).toBe(4);

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("keeps every revision a writer reported after the writer is killed with SIGKILL", async () => {
    const file = path.join(dir, "killed.db");
    const printed: number[] = [];
    child = spawn(process.execPath, ["--import", "tsx", path.join(here, "store-writer.fixture.mts"), file], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
    await waitForRevisions(child, printed, 50);
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    const last = printed[printed.length - 1]!;
    expect(printed).toEqual(Array.from({ length: printed.length }, (_, i) => i + 1));
    const s = openStore(file);
    expect(s.checkIntegrity()).toBe("ok");
    expect(s.head()).toBeGreaterThanOrEqual(last);
    const counter: ConfigKey = { kind: "DestinationRule", namespace: "default", name: "counter" };
    for (const rev of [...printed, s.head()]) {
      expect(s.revision(rev)?.message).toBe(`write ${rev}`);
      expect(s.get(vs(`vs-${rev}`), rev)?.spec).toEqual({ rev });
      expect(s.get(counter, rev)).toMatchObject({ spec: { rev }, revision: rev });
    }
    for (const rev of [1, Math.ceil(last / 2), last, s.head()]) expect(s.list(rev)).toHaveLength(rev + 1);
  });
});

describe("sqlite config store: opening files", () => {
  it("creates missing parent directories", () => {
    const file = path.join(dir, "a", "b", "config.db");
    openStore(file).commit({ expectedRevision: 0, author: "alice", message: "m", changes: [{ ...vs("a"), op: "put", spec: 1 }] });
    expect(fs.existsSync(file)).toBe(true);
  });

  it("works in memory", () => {
    const s = openStore(":memory:");
    s.commit({ expectedRevision: 0, author: "alice", message: "m", changes: [{ ...vs("a"), op: "put", spec: 1 }] });
    expect(s.list()).toHaveLength(1);
  });

  it("refuses a file that is not SQLite, naming the path", () => {
    const file = path.join(dir, "garbage.db");
    fs.writeFileSync(file, "apiVersion: networking.istio.io/v1\nkind: VirtualService\n");
    expect(() => openStore(file)).toThrow(StoreError);
    expect(() => openStore(file)).toThrow(file);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^apiVersion/); // left as it was
  });

  it("refuses a file with an SQLite header but corrupted contents, naming the path", () => {
    const file = path.join(dir, "corrupt.db");
    fs.writeFileSync(file, Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(8192, 0xa5)]));
    expect(() => openStore(file)).toThrow(StoreError);
    expect(() => openStore(file)).toThrow(file);
  });

  it("refuses a directory, naming the path", () => {
    expect(() => openStore(dir)).toThrow(StoreError);
    expect(() => openStore(dir)).toThrow(dir);
  });

  it("refuses a file written by a newer schema version", () => {
    const file = path.join(dir, "newer.db");
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma("user_version = 99");
    raw.close();
    expect(() => openStore(file)).toThrow(/schema version 99, newer than version 1/);
    expect(() => openStore(file)).toThrow(file);
  });
});
