// Opens the config store's SQLite file: creates the parent directory, sets WAL + synchronous=FULL, and
// creates or upgrades the schema (versioned by PRAGMA user_version); every failure is a StoreError naming the file.

import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "./config-store";

/**
 * MIGRATIONS[v] upgrades a file from schema version v to v + 1, so the schema this build writes is
 * MIGRATIONS.length. To change the schema, append a migration; never edit a shipped one.
 *
 * Layout (MVCC): one `revisions` row per commit, and one `documents` row per document *version*, live from
 * created_rev up to (not including) deleted_rev; replacing a document sets the old row's deleted_rev and
 * inserts a new row. So storage grows with the number of changes, not documents × revisions, and the state
 * at revision R is the rows with created_rev <= R < COALESCE(deleted_rev, ∞).
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE revisions (
     rev INTEGER PRIMARY KEY,
     author TEXT NOT NULL,
     time INTEGER NOT NULL,               -- epoch ms
     message TEXT NOT NULL,
     rollback_of INTEGER,                 -- target revision when this revision is a rollback (0 = empty store)
     changes TEXT NOT NULL                -- JSON: [{ key: { kind, namespace, name }, op: "put" | "delete" }]
   );
   CREATE TABLE documents (
     kind TEXT NOT NULL,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     created_rev INTEGER NOT NULL REFERENCES revisions (rev),
     deleted_rev INTEGER REFERENCES revisions (rev),
     spec TEXT NOT NULL,                  -- JSON
     PRIMARY KEY (kind, namespace, name, created_rev)
   );
   -- At most one live version per document; also serves list(head) in key order.
   CREATE UNIQUE INDEX documents_live ON documents (kind, namespace, name) WHERE deleted_rev IS NULL;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating if missing) the store at `file`, or ":memory:", ready for use at SCHEMA_VERSION. */
export function openStoreDatabase(file: string): Database.Database {
  const memory = file === ":memory:";
  let db: Database.Database | undefined;
  try {
    if (!memory) {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      checkHeader(file);
    }
    db = new Database(file);
    // The first read of the header: this is where a file that is not SQLite fails.
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(`config store ${file} has schema version ${version}, newer than version ${SCHEMA_VERSION} that this build understands; upgrade before opening it`);
    }
    if (!memory) {
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") throw new StoreError(`config store ${file}: could not enable WAL journal mode (got ${String(mode)})`);
    }
    // FULL: the WAL is fsynced at every commit, so a commit that returned survives a crash or power cut.
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    migrate(db, version);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError(`cannot open config store ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/** SQLite would quietly reuse a tiny non-empty file as a new database; refuse anything without its header. */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // a new store
    throw err;
  }
  try {
    const head = Buffer.alloc(MAGIC.length);
    const n = readSync(fd, head, 0, head.length, 0);
    // Empty is fine: in WAL mode a new database's first pages may still be only in the -wal file.
    if (n > 0 && !head.equals(MAGIC)) throw new StoreError(`cannot open config store ${file}: not an SQLite database (bad header)`);
  } finally {
    closeSync(fd);
  }
}

function migrate(db: Database.Database, seen: number): void {
  if (seen === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Re-read under the write lock: another process may have migrated the file since we looked.
    const from = db.pragma("user_version", { simple: true }) as number;
    if (from >= SCHEMA_VERSION) return;
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
