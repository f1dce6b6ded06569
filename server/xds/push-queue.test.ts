// The push throttle: never more than `limit` tasks at once, FIFO order, and failures free their slot.

import { describe, expect, it } from "vitest";
import { createPushQueue } from "./push-queue";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("push queue", () => {
  it("runs at most `limit` tasks at once, in FIFO order", async () => {
    const q = createPushQueue(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const runs = gates.map((g, i) =>
      q.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(q.waiting).toBe(2);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(q.active).toBe(0);
  });

  it("releases the slot of a failing task", async () => {
    const q = createPushQueue(1);
    await expect(q.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await q.run(async () => "ok")).toBe("ok");
  });

  it("rejects a non-positive limit", () => {
    expect(() => createPushQueue(0)).toThrow();
  });
});
