// Convergence after a push: ACK with push → ACK time, NACK with the message, pending, unchanged.
import { describe, expect, it } from "vitest";
import { SyncState } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { convergence, type SyncLike } from "./convergence";

const PUSH = 1_000_000;
const sync = (type: string, o: Partial<SyncLike>): SyncLike => ({ type, state: SyncState.SYNCED, error: "", sentVersion: "1", ackedVersion: "1", lastSentMs: 0n, lastAckMs: 0n, convergenceMs: -1, ...o });
const untouched = ["LDS", "CDS", "EDS"].map((t) => sync(t, { lastSentMs: BigInt(PUSH - 5000), lastAckMs: BigInt(PUSH - 4990), convergenceMs: 30 }));

describe("convergence", () => {
  it("reports ACKs with push → ACK time, and types the push did not touch as unchanged", () => {
    const c = convergence([{ id: "a", sync: [...untouched, sync("RDS", { sentVersion: "2", ackedVersion: "2", lastSentMs: BigInt(PUSH + 100), lastAckMs: BigInt(PUSH + 140), convergenceMs: 142 })] }], PUSH, new Set(["a|RDS"]));
    expect(c.rows[0]!.status).toBe("converged");
    expect(c.rows[0]!.cells.map((x) => [x.type, x.status, x.ms])).toEqual([
      ["LDS", "unchanged", undefined],
      ["RDS", "acked", 142],
      ["CDS", "unchanged", undefined],
      ["EDS", "unchanged", undefined],
    ]);
    expect(c).toMatchObject({ converged: 1, nacked: 0, pending: 0, done: true, slowestMs: 142 });
  });

  it("falls back to last ACK − push time when the server has no convergence figure", () => {
    const c = convergence([{ id: "a", sync: [sync("RDS", { lastSentMs: BigInt(PUSH + 10), lastAckMs: BigInt(PUSH + 75) })] }], PUSH);
    expect(c.rows[0]!.ms).toBe(75);
  });

  it("keeps waiting for expected types not sent yet and for sent but unACKed ones", () => {
    const c = convergence(
      [
        { id: "a", sync: [sync("RDS", { lastSentMs: BigInt(PUSH - 5000), lastAckMs: BigInt(PUSH - 4000) })] },
        { id: "b", sync: [sync("RDS", { state: SyncState.STALE, lastSentMs: BigInt(PUSH + 20), lastAckMs: BigInt(PUSH - 4000) })] },
      ],
      PUSH,
      new Set(["a|RDS", "b|RDS"]),
    );
    expect(c.rows.map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(c.done).toBe(false);
  });

  it("shows a NACK with the proxy's message", () => {
    const c = convergence([{ id: "a", sync: [sync("CDS", { state: SyncState.ERROR, error: "httpCookie ttl unsupported", lastSentMs: BigInt(PUSH + 30), lastAckMs: BigInt(PUSH - 9000) })] }], PUSH, new Set(["a|CDS"]));
    expect(c.rows[0]!.status).toBe("nacked");
    expect(c.rows[0]!.cells.find((x) => x.type === "CDS")).toMatchObject({ status: "nacked", error: "httpCookie ttl unsupported" });
    expect(c).toMatchObject({ nacked: 1, done: true });
  });

  it("marks types a proxy never subscribed to as absent", () => {
    const c = convergence([{ id: "grpc", sync: [sync("LDS", {})] }], PUSH);
    expect(c.rows[0]!.cells.find((x) => x.type === "EDS")!.status).toBe("absent");
    expect(c.rows[0]!.status).toBe("unchanged");
  });
});
