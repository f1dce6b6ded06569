// The durable, versioned config store's contract: every commit is a revision (author, time, message),
// any revision can be read back, writes name the revision they edit (optimistic concurrency), and a
// rollback is itself a new revision. The SQLite implementation is sqlite-config-store.ts.

/** Identifies one config document, e.g. { kind: "VirtualService", namespace: "default", name: "reviews" }. */
export interface ConfigKey {
  kind: string;
  namespace: string;
  name: string;
}

export interface StoredConfig extends ConfigKey {
  /** The document's spec as plain JSON (what the YAML `spec:` held). */
  spec: unknown;
  /** Revision that last created or changed this document. */
  revision: number;
}

export type ConfigChange = (ConfigKey & { op: "put"; spec: unknown }) | (ConfigKey & { op: "delete" });

export interface RevisionInfo {
  revision: number;
  author: string;
  /** Milliseconds since the epoch. */
  time: number;
  message: string;
  /** What this revision changed. */
  changes: { key: ConfigKey; op: "put" | "delete" }[];
  /** Set when this revision is a rollback. */
  rollbackOf?: number;
}

export interface CommitRequest {
  /**
   * The revision the writer read before editing. The commit fails with ConflictError when any document it
   * touches was changed by a later revision (per-document optimistic concurrency, like Kubernetes'
   * resourceVersion, so unrelated edits do not conflict).
   */
  expectedRevision: number;
  author: string;
  message: string;
  changes: ConfigChange[];
}

export interface ConfigStore {
  /** Latest revision number; 0 for an empty store. */
  head(): number;
  /** Every document live at `revision` (default: head), sorted by kind, namespace, name. */
  list(revision?: number): StoredConfig[];
  get(key: ConfigKey, revision?: number): StoredConfig | undefined;
  revision(revision: number): RevisionInfo | undefined;
  /** Newest first. */
  revisions(opts?: { limit?: number; before?: number }): RevisionInfo[];
  /** Atomically applies all changes as one new revision. Throws ConflictError or StoreError. */
  commit(req: CommitRequest): RevisionInfo;
  /** Makes head equal to the state at `target` as a new revision. */
  rollback(target: number, opts: { author: string; message?: string; expectedRevision?: number }): RevisionInfo;
  /** Called after every commit (including rollbacks). */
  onCommit(listener: (info: RevisionInfo) => void): () => void;
  close(): void;
}

export class ConflictError extends Error {
  constructor(
    readonly key: ConfigKey,
    readonly expectedRevision: number,
    readonly actualRevision: number,
  ) {
    super(`${key.kind} ${key.namespace}/${key.name} was changed in revision ${actualRevision}, after revision ${expectedRevision} that this edit is based on; reload and reapply`);
    this.name = "ConflictError";
  }
}

export class StoreError extends Error {
  override name = "StoreError";
}
