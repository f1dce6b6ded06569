// ConfigStore on SQLite: MVCC document versions (see sqlite-schema.ts), one IMMEDIATE transaction per
// revision with the conflict check inside it, and a revision is durable (WAL, synchronous=FULL) once commit() returns.

import type Database from "better-sqlite3";
import {
  ConflictError,
  StoreError,
  type CommitRequest,
  type ConfigChange,
  type ConfigKey,
  type ConfigStore,
  type RevisionInfo,
  type StoredConfig,
} from "./config-store";
import { checkKey, keyLabel, sameSpec, specText } from "./config-values";
import { openStoreDatabase } from "./sqlite-schema";

export interface SqliteConfigStoreOptions {
  /** Database file, or ":memory:". Its parent directory is created if missing. */
  path: string;
  /** Receives errors thrown by onCommit listeners (default: console.error); they never fail a commit. */
  onListenerError?: (err: unknown, info: RevisionInfo) => void;
}

/** ConfigStore plus SQLite-specific extras. */
export interface SqliteConfigStore extends ConfigStore {
  /** Runs PRAGMA integrity_check: "ok", or the problems found, one per line. */
  checkIntegrity(): string;
}

interface DocRow extends ConfigKey {
  created_rev: number;
  spec: string;
}
interface RevRow {
  rev: number;
  author: string;
  time: number;
  message: string;
  rollback_of: number | null;
  changes: string;
}
/** A change after checking, with the spec already serialised. */
type Planned = ConfigKey & { op: "put" | "delete"; text?: string };

const DOC = "SELECT kind, namespace, name, created_rev, spec FROM documents";
const KEY = "kind = @kind AND namespace = @namespace AND name = @name";
const AT = "created_rev <= @rev AND (deleted_rev IS NULL OR deleted_rev > @rev)";
const DEFAULT_LIMIT = 100;

const isRev = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

export function openSqliteConfigStore(opts: SqliteConfigStoreOptions): SqliteConfigStore {
  const db = openStoreDatabase(opts.path);
  const q = {
    head: db.prepare("SELECT COALESCE(MAX(rev), 0) FROM revisions").pluck(),
    listHead: db.prepare(`${DOC} WHERE deleted_rev IS NULL ORDER BY kind, namespace, name`),
    listAt: db.prepare(`${DOC} WHERE ${AT} ORDER BY kind, namespace, name`),
    getAt: db.prepare(`${DOC} WHERE ${KEY} AND ${AT}`),
    getLive: db.prepare(`${DOC} WHERE ${KEY} AND deleted_rev IS NULL`),
    lastChange: db.prepare(`SELECT MAX(COALESCE(MAX(created_rev), 0), COALESCE(MAX(deleted_rev), 0)) FROM documents WHERE ${KEY}`).pluck(),
    revision: db.prepare("SELECT * FROM revisions WHERE rev = ?"),
    revisions: db.prepare("SELECT * FROM revisions WHERE rev < @before ORDER BY rev DESC LIMIT @limit"),
    insertRev: db.prepare("INSERT INTO revisions (rev, author, time, message, rollback_of, changes) VALUES (@rev, @author, @time, @message, @rollbackOf, @changes)"),
    retire: db.prepare(`UPDATE documents SET deleted_rev = @rev WHERE ${KEY} AND deleted_rev IS NULL`),
    insertDoc: db.prepare("INSERT INTO documents (kind, namespace, name, created_rev, spec) VALUES (@kind, @namespace, @name, @rev, @spec)"),
  };
  const listeners = new Set<(info: RevisionInfo) => void>();
  const onListenerError = opts.onListenerError ?? ((err: unknown, info: RevisionInfo) => console.error(`config store: onCommit listener failed for revision ${info.revision}:`, err));

  const head = (): number => q.head.get() as number;
  const toStored = (r: DocRow): StoredConfig => ({ kind: r.kind, namespace: r.namespace, name: r.name, spec: JSON.parse(r.spec), revision: r.created_rev });
  const toInfo = (r: RevRow): RevisionInfo => ({
    revision: r.rev,
    author: r.author,
    time: r.time,
    message: r.message,
    changes: JSON.parse(r.changes) as RevisionInfo["changes"],
    ...(r.rollback_of === null ? {} : { rollbackOf: r.rollback_of }),
  });
  const docsAt = (rev: number): DocRow[] => (rev === head() ? q.listHead.all() : q.listAt.all({ rev })) as DocRow[];

  /** Checks the request and writes the revision; must run inside a write transaction. */
  function apply(req: CommitRequest, planned: Planned[], rollbackOf?: number): RevisionInfo {
    const current = head();
    if (!isRev(req.expectedRevision)) throw new StoreError(`expectedRevision must be a non-negative integer, got ${String(req.expectedRevision)}`);
    if (req.expectedRevision > current) throw new StoreError(`expectedRevision ${req.expectedRevision} is newer than head revision ${current}`);
    for (const c of planned) {
      const last = q.lastChange.get(c) as number;
      if (last > req.expectedRevision) throw new ConflictError({ kind: c.kind, namespace: c.namespace, name: c.name }, req.expectedRevision, last);
    }
    const effective = planned.filter((c) => {
      const live = q.getLive.get(c) as DocRow | undefined;
      if (c.op === "delete" && !live) throw new StoreError(`cannot delete ${keyLabel(c)}: it does not exist at revision ${current}`);
      return !(c.op === "put" && live && sameSpec(live.spec, c.text!)); // unchanged puts are not recorded
    });
    if (effective.length === 0) throw new StoreError(`no changes: every document already has the given spec at revision ${current}`);
    const rev = current + 1;
    const changes = effective.map((c) => ({ key: { kind: c.kind, namespace: c.namespace, name: c.name }, op: c.op }));
    const row: RevRow = { rev, author: req.author, time: Date.now(), message: req.message, rollback_of: rollbackOf ?? null, changes: JSON.stringify(changes) };
    q.insertRev.run({ ...row, rollbackOf: row.rollback_of });
    for (const c of effective) {
      q.retire.run({ kind: c.kind, namespace: c.namespace, name: c.name, rev });
      if (c.op === "put") q.insertDoc.run({ kind: c.kind, namespace: c.namespace, name: c.name, rev, spec: c.text! });
    }
    return toInfo(row);
  }

  function plan(changes: ConfigChange[]): Planned[] {
    if (!Array.isArray(changes) || changes.length === 0) throw new StoreError("nothing to commit");
    const seen = new Set<string>();
    return changes.map((c) => {
      const key = checkKey(c);
      const id = JSON.stringify([key.kind, key.namespace, key.name]);
      if (seen.has(id)) throw new StoreError(`${keyLabel(key)} appears more than once in one commit`);
      seen.add(id);
      if (c.op === "delete") return { ...key, op: "delete" };
      if (c.op === "put") return { ...key, op: "put", text: specText(key, c.spec) };
      throw new StoreError(`unknown op ${JSON.stringify((c as { op: unknown }).op)} for ${keyLabel(key)}`);
    });
  }

  function checkAuthor(author: unknown, message: unknown): void {
    if (typeof author !== "string" || author.trim() === "") throw new StoreError("author must be a non-empty string");
    if (typeof message !== "string") throw new StoreError("message must be a string");
  }

  function notify(info: RevisionInfo): RevisionInfo {
    for (const listener of [...listeners]) {
      try {
        listener(info);
      } catch (err) {
        onListenerError(err, info);
      }
    }
    return info;
  }

  const store: SqliteConfigStore = {
    head,
    list(revision) {
      if (revision === undefined) return (q.listHead.all() as DocRow[]).map(toStored);
      if (!isRev(revision) || revision > head()) throw new StoreError(`unknown revision ${String(revision)} (head is ${head()})`);
      return docsAt(revision).map(toStored);
    },
    get(key, revision) {
      const k = checkKey(key);
      if (revision === undefined) return rowOrUndefined(q.getLive.get(k));
      if (!isRev(revision)) return undefined;
      return rowOrUndefined(q.getAt.get({ ...k, rev: revision }));
    },
    revision(revision) {
      if (!isRev(revision)) return undefined;
      const row = q.revision.get(revision) as RevRow | undefined;
      return row && toInfo(row);
    },
    revisions(opts = {}) {
      const limit = opts.limit ?? DEFAULT_LIMIT;
      if (!isRev(limit)) throw new StoreError(`limit must be a non-negative integer, got ${String(limit)}`);
      return (q.revisions.all({ before: opts.before ?? Number.MAX_SAFE_INTEGER, limit }) as RevRow[]).map(toInfo);
    },
    commit(req) {
      checkAuthor(req.author, req.message);
      const planned = plan(req.changes);
      return notify(db.transaction(() => apply(req, planned)).immediate());
    },
    rollback(target, opts) {
      const message = opts.message ?? `rollback to revision ${target}`;
      checkAuthor(opts.author, message);
      const info = db.transaction(() => {
        const current = head();
        if (!isRev(target) || target > current) throw new StoreError(`cannot roll back to unknown revision ${String(target)} (head is ${current})`);
        if (target === current) throw new StoreError(`already at revision ${current}`);
        const want = new Map(docsAt(target).map((r) => [JSON.stringify([r.kind, r.namespace, r.name]), r]));
        const changes: ConfigChange[] = [];
        const put = (r: DocRow): ConfigChange => ({ kind: r.kind, namespace: r.namespace, name: r.name, op: "put", spec: JSON.parse(r.spec) });
        for (const r of q.listHead.all() as DocRow[]) {
          const id = JSON.stringify([r.kind, r.namespace, r.name]);
          const old = want.get(id);
          want.delete(id);
          if (!old) changes.push({ kind: r.kind, namespace: r.namespace, name: r.name, op: "delete" });
          else if (!sameSpec(old.spec, r.spec)) changes.push(put(old));
        }
        for (const old of want.values()) changes.push(put(old));
        if (changes.length === 0) throw new StoreError(`revision ${target} already has the same config as head revision ${current}; nothing to roll back`);
        return apply({ expectedRevision: opts.expectedRevision ?? current, author: opts.author, message, changes }, plan(changes), target);
      }).immediate();
      return notify(info);
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      listeners.clear();
      if (db.open) db.close();
    },
    checkIntegrity() {
      return (db.pragma("integrity_check", { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check).join("\n");
    },
  };

  function rowOrUndefined(row: unknown): StoredConfig | undefined {
    return row === undefined ? undefined : toStored(row as DocRow);
  }

  return store;
}
