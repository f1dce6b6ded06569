// After a push: per proxy and xDS type, whether the new config was ACKed (and how long after the push),
// NACKed (with the proxy's message), is still pending, or was not part of this push.

import { SyncState } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { XDS_TYPES } from "./xds-groups";

export interface SyncLike {
  type: string;
  state: SyncState;
  error: string;
  sentVersion: string;
  ackedVersion: string;
  lastSentMs: bigint;
  lastAckMs: bigint;
  convergenceMs: number;
}

export interface ProxyLike {
  id: string;
  sync: readonly SyncLike[];
}

export type CellStatus = "acked" | "nacked" | "pending" | "unchanged" | "absent";

export interface ConvergenceCell {
  type: string;
  status: CellStatus;
  /** Push → ACK, for acked cells. */
  ms?: number;
  /** The proxy's NACK message. */
  error?: string;
  version: string;
}

export interface ConvergenceRow {
  proxy: string;
  cells: ConvergenceCell[];
  status: "converged" | "nacked" | "pending" | "unchanged";
  /** Slowest ACK of this proxy's changed types. */
  ms?: number;
}

export interface Convergence {
  rows: ConvergenceRow[];
  converged: number;
  nacked: number;
  pending: number;
  /** True when no proxy is still waiting for or working on this push. */
  done: boolean;
  slowestMs?: number;
}

function cellOf(t: SyncLike | undefined, type: string, pushAtMs: number, expected: boolean): ConvergenceCell {
  if (!t) return { type, status: "absent", version: "" };
  const sent = Number(t.lastSentMs);
  const acked = Number(t.lastAckMs);
  const sentAfter = sent >= pushAtMs;
  if (t.state === SyncState.ERROR && (sentAfter || expected)) return { type, status: "nacked", error: t.error || "NACK without a message", version: t.sentVersion };
  if (sentAfter) {
    if (t.state === SyncState.SYNCED && acked >= sent) return { type, status: "acked", ms: t.convergenceMs >= 0 ? t.convergenceMs : Math.max(0, acked - pushAtMs), version: t.ackedVersion };
    return { type, status: "pending", version: t.sentVersion };
  }
  return { type, status: expected ? "pending" : "unchanged", version: t.ackedVersion };
}

/**
 * `pushAtMs` is the revision's time (the server's clock, like the sync times). `expected` holds the
 * "proxy|TYPE" pairs the dry run said would change; types sent after the push count too.
 */
export function convergence(proxies: readonly ProxyLike[], pushAtMs: number, expected: ReadonlySet<string> = new Set()): Convergence {
  const rows = proxies.map((p): ConvergenceRow => {
    const byType = new Map(p.sync.map((t) => [t.type, t]));
    const types = [...XDS_TYPES, ...[...byType.keys()].filter((t) => !(XDS_TYPES as readonly string[]).includes(t))];
    const cells = types.map((type) => cellOf(byType.get(type), type, pushAtMs, expected.has(`${p.id}|${type}`)));
    const has = (s: CellStatus) => cells.some((c) => c.status === s);
    const ackMs = cells.flatMap((c) => (c.status === "acked" && c.ms !== undefined ? [c.ms] : []));
    return {
      proxy: p.id,
      cells,
      status: has("nacked") ? "nacked" : has("pending") ? "pending" : has("acked") ? "converged" : "unchanged",
      ms: ackMs.length ? Math.max(...ackMs) : undefined,
    };
  });
  const count = (s: ConvergenceRow["status"]) => rows.filter((r) => r.status === s).length;
  const all = rows.flatMap((r) => (r.ms === undefined ? [] : [r.ms]));
  return { rows, converged: count("converged"), nacked: count("nacked"), pending: count("pending"), done: count("pending") === 0, slowestMs: all.length ? Math.max(...all) : undefined };
}
