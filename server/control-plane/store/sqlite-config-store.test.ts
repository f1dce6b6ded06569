// The SQLite config store's revision semantics: reads at old revisions, per-document optimistic
// concurrency, rollback, listeners and input checks, on a real database file in a fresh temp dir.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConflictError, StoreError, type ConfigChange, type ConfigKey } from "./config-store";
import { openSqliteConfigStore, type SqliteConfigStore } from "./sqlite-config-store";

const vs = (name: string, namespace = "default"): ConfigKey => ({ kind: "VirtualService", namespace, name });
const dr = (name: string, namespace = "default"): ConfigKey => ({ kind: "DestinationRule", namespace, name });
const put = (key: ConfigKey, spec: unknown): ConfigChange => ({ ...key, op: "put", spec });
const del = (key: ConfigKey): ConfigChange => ({ ...key, op: "delete" });

let dir: string;
let store: SqliteConfigStore;
const commit = (expectedRevision: number, ...changes: ConfigChange[]) => store.commit({ expectedRevision, author: "alice", message: "edit", changes });
const names = (rev?: number) => store.list(rev).map((c) => `${c.kind} ${c.namespace}/${c.name}`);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-store-"));
  store = openSqliteConfigStore({ path: path.join(dir, "config.db") });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("sqlite config store: revisions", () => {
  it("starts empty at revision 0", () => {
    expect(store.head()).toBe(0);
    expect(store.list()).toEqual([]);
    expect(store.list(0)).toEqual([]);
    expect(store.revisions()).toEqual([]);
  });

  it("records author, time, message and changes, and reads any revision's state", () => {
    const before = Date.now();
    const r1 = store.commit({ expectedRevision: 0, author: "alice", message: "add reviews", changes: [put(vs("reviews"), { hosts: ["reviews"] }), put(dr("reviews"), { subsets: [] })] });
    expect(r1).toMatchObject({ revision: 1, author: "alice", message: "add reviews" });
    expect(r1.time).toBeGreaterThanOrEqual(before);
    expect(r1.time).toBeLessThanOrEqual(Date.now());
    expect(r1.changes).toEqual([{ key: vs("reviews"), op: "put" }, { key: dr("reviews"), op: "put" }]);
    expect(r1.rollbackOf).toBeUndefined();

    commit(1, put(vs("reviews"), { hosts: ["reviews"], http: [{ route: [] }] }));
    commit(2, del(dr("reviews")));
    expect(store.head()).toBe(3);

    expect(store.get(vs("reviews"), 1)).toEqual({ ...vs("reviews"), spec: { hosts: ["reviews"] }, revision: 1 });
    expect(store.get(vs("reviews"))).toEqual({ ...vs("reviews"), spec: { hosts: ["reviews"], http: [{ route: [] }] }, revision: 2 });
    expect(store.get(dr("reviews"), 2)?.revision).toBe(1);
    expect(store.get(dr("reviews"), 3)).toBeUndefined();
    expect(store.get(dr("reviews"))).toBeUndefined();
    expect(names(1)).toEqual(["DestinationRule default/reviews", "VirtualService default/reviews"]);
    expect(names(3)).toEqual(["VirtualService default/reviews"]);
    expect(store.revision(3)?.changes).toEqual([{ key: dr("reviews"), op: "delete" }]);
  });

  it("lists sorted by kind, namespace, name at head and at old revisions", () => {
    commit(0, put(vs("b", "prod"), 1), put(vs("a", "prod"), 2), put(vs("z", "dev"), 3), put(dr("m", "prod"), 4), put(dr("c", "dev"), 5));
    commit(1, put(vs("0", "dev"), 6));
    const r1 = ["DestinationRule dev/c", "DestinationRule prod/m", "VirtualService dev/z", "VirtualService prod/a", "VirtualService prod/b"];
    expect(names(1)).toEqual(r1);
    expect(names()).toEqual(["DestinationRule dev/c", "DestinationRule prod/m", "VirtualService dev/0", "VirtualService dev/z", "VirtualService prod/a", "VirtualService prod/b"]);
    expect(store.list(2)).toEqual(store.list());
  });

  it("can delete and re-create a document", () => {
    commit(0, put(vs("a"), { v: 1 }));
    commit(1, del(vs("a")));
    commit(2, put(vs("a"), { v: 3 }));
    expect(store.get(vs("a"), 1)?.spec).toEqual({ v: 1 });
    expect(store.get(vs("a"), 2)).toBeUndefined();
    expect(store.get(vs("a"))).toEqual({ ...vs("a"), spec: { v: 3 }, revision: 3 });
  });

  it("pages revisions newest first (default limit 100)", () => {
    for (let i = 0; i < 105; i++) commit(i, put(vs("a"), { i }));
    const all = store.revisions();
    expect(all).toHaveLength(100);
    expect(all[0]?.revision).toBe(105);
    expect(all[99]?.revision).toBe(6);
    expect(store.revisions({ limit: 3, before: 6 }).map((r) => r.revision)).toEqual([5, 4, 3]);
    expect(store.revisions({ before: 3 }).map((r) => r.revision)).toEqual([2, 1]);
    expect(store.revisions({ limit: 0 })).toEqual([]);
  });

  it("returns undefined for reads at unknown revisions, and list refuses them", () => {
    commit(0, put(vs("a"), 1));
    expect(store.revision(0)).toBeUndefined();
    expect(store.revision(2)).toBeUndefined();
    expect(store.revision(-1)).toBeUndefined();
    expect(store.revision(1.5)).toBeUndefined();
    expect(store.get(vs("a"), -1)).toBeUndefined();
    expect(store.get(vs("a"), 0)).toBeUndefined();
    expect(store.get(vs("nope"))).toBeUndefined();
    expect(() => store.list(2)).toThrow(StoreError);
    expect(() => store.list(-1)).toThrow(StoreError);
  });
});

describe("sqlite config store: optimistic concurrency", () => {
  beforeEach(() => {
    commit(0, put(vs("reviews"), { w: 0 }), put(vs("ratings"), { w: 0 }));
  });

  it("gives the second writer of the same document a ConflictError naming both revisions, and writes nothing", () => {
    const base = store.head();
    commit(base, put(vs("reviews"), { w: "first" }));
    let err: unknown;
    try {
      commit(base, put(vs("ratings"), { w: "second" }), put(vs("reviews"), { w: "second" }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ key: vs("reviews"), expectedRevision: 1, actualRevision: 2 });
    expect((err as Error).message).toMatch(/revision 2.*revision 1/);
    expect(store.head()).toBe(2);
    expect(store.get(vs("ratings"))?.spec).toEqual({ w: 0 }); // the non-conflicting half was not written either
    expect(store.get(vs("reviews"))?.spec).toEqual({ w: "first" });
  });

  it("treats a delete by another writer as a conflict too", () => {
    commit(1, del(vs("reviews")));
    expect(() => commit(1, put(vs("reviews"), { w: 1 }))).toThrow(ConflictError);
    expect(() => commit(1, del(vs("reviews")))).toThrow(ConflictError);
  });

  it("lets edits of different documents from the same base both succeed", () => {
    expect(commit(1, put(vs("reviews"), { w: "a" })).revision).toBe(2);
    expect(commit(1, put(vs("ratings"), { w: "b" })).revision).toBe(3);
    expect(commit(1, put(vs("details"), { w: "c" })).revision).toBe(4);
    expect(store.list().map((c) => c.spec)).toEqual([{ w: "c" }, { w: "b" }, { w: "a" }]);
  });

  it("rejects an expectedRevision newer than head", () => {
    expect(() => commit(5, put(vs("reviews"), 1))).toThrow(/expectedRevision 5 is newer than head revision 1/);
    expect(() => commit(-1, put(vs("reviews"), 1))).toThrow(StoreError);
  });
});

describe("sqlite config store: rollback", () => {
  it("commits a new revision whose state equals the target's, keeping history", () => {
    commit(0, put(vs("a"), { v: 1 }), put(vs("b"), { v: 1 }));
    commit(1, put(vs("a"), { v: 2 }), del(vs("b")), put(vs("c"), { v: 2 }));
    const r = store.rollback(1, { author: "bob" });
    expect(r).toMatchObject({ revision: 3, author: "bob", message: "rollback to revision 1", rollbackOf: 1 });
    expect(r.changes).toHaveLength(3);
    const state = (rev?: number) => store.list(rev).map(({ revision: _, ...doc }) => doc);
    expect(state()).toEqual(state(1));
    expect(store.get(vs("a"))?.revision).toBe(3);
    expect(state(2).map((d) => d.name)).toEqual(["a", "c"]);
    expect(store.revisions().map((x) => x.revision)).toEqual([3, 2, 1]);
    expect(store.revision(3)?.rollbackOf).toBe(1);

    expect(store.rollback(0, { author: "bob", message: "wipe" })).toMatchObject({ revision: 4, message: "wipe", rollbackOf: 0 });
    expect(store.list()).toEqual([]);
  });

  it("refuses head, unknown targets, and targets whose state already equals head", () => {
    commit(0, put(vs("a"), { v: 1 }));
    expect(() => store.rollback(1, { author: "bob" })).toThrow(new StoreError("already at revision 1"));
    expect(() => store.rollback(7, { author: "bob" })).toThrow(/unknown revision 7/);
    expect(() => store.rollback(-1, { author: "bob" })).toThrow(StoreError);
    commit(1, put(vs("a"), { v: 2 }));
    commit(2, put(vs("a"), { v: 1 }));
    expect(() => store.rollback(1, { author: "bob" })).toThrow(/nothing to roll back/);
    expect(store.head()).toBe(3);
  });

  it("honours expectedRevision", () => {
    commit(0, put(vs("a"), { v: 1 }));
    commit(1, put(vs("a"), { v: 2 }));
    commit(2, put(vs("a"), { v: 3 }));
    expect(() => store.rollback(1, { author: "bob", expectedRevision: 2 })).toThrow(ConflictError);
    expect(store.rollback(1, { author: "bob", expectedRevision: 3 }).revision).toBe(4);
  });
});

describe("sqlite config store: listeners and input checks", () => {
  it("calls listeners after each commit and rollback; a throwing listener breaks neither", () => {
    const errors: unknown[] = [];
    store.close();
    store = openSqliteConfigStore({ path: path.join(dir, "config.db"), onListenerError: (e) => errors.push(e) });
    const seen: number[] = [];
    store.onCommit(() => {
      throw new Error("boom");
    });
    const off = store.onCommit((info) => seen.push(info.revision, store.head()));
    commit(0, put(vs("a"), 1));
    commit(1, put(vs("a"), 2));
    store.rollback(1, { author: "bob" });
    expect(seen).toEqual([1, 1, 2, 2, 3, 3]);
    expect(errors).toHaveLength(3);
    off();
    commit(3, put(vs("a"), 4));
    expect(seen).toHaveLength(6);
  });

  it("rejects empty commits, unknown deletes, blank keys, duplicates and non-JSON specs", () => {
    commit(0, put(vs("a"), 1));
    const spy = vi.fn();
    store.onCommit(spy);
    expect(() => commit(1)).toThrow(new StoreError("nothing to commit"));
    expect(() => commit(1, del(vs("ghost")))).toThrow(/VirtualService default\/ghost/);
    expect(() => commit(1, put({ kind: "VirtualService", namespace: "", name: "x" }, 1))).toThrow(/namespace/);
    expect(() => commit(1, put({ kind: " ", namespace: "d", name: "x" }, 1))).toThrow(/kind/);
    expect(() => commit(1, put(vs("b"), 1), del(vs("b")))).toThrow(/more than once/);
    expect(() => commit(1, put(vs("b"), undefined))).toThrow(/not serialisable/);
    expect(() => store.commit({ expectedRevision: 1, author: "", message: "m", changes: [put(vs("b"), 1)] })).toThrow(/author/);
    expect(store.head()).toBe(1);
    expect(spy).not.toHaveBeenCalled();
  });

  it("does not record puts that leave a spec unchanged (key order ignored); all-unchanged commits fail", () => {
    commit(0, put(vs("a"), { x: 1, y: { p: 1, q: 2 } }), put(vs("b"), 1));
    expect(() => commit(1, put(vs("a"), { y: { q: 2, p: 1 }, x: 1 }))).toThrow(/no changes/);
    const r = commit(1, put(vs("a"), { x: 1, y: { p: 1, q: 2 } }), put(vs("b"), 2));
    expect(r.changes).toEqual([{ key: vs("b"), op: "put" }]);
    expect(store.get(vs("a"))?.revision).toBe(1);
  });
});
