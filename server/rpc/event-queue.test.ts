// The bounded event queue between the proxies' request path and one RPC stream: order, batches, drops, close.
import { describe, expect, it, vi } from "vitest";
import { createEventQueue } from "./event-queue";

async function batches<T>(it: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const b of it) out.push(b);
  return out;
}

const drain = async <T>(it: AsyncIterable<T[]>): Promise<T[]> => (await batches(it)).flat();

describe("event queue", () => {
  it("delivers items in order and ends after close", async () => {
    const q = createEventQueue<number>(10);
    const all = drain(q);
    q.push(1);
    q.push(2);
    await new Promise((r) => setImmediate(r));
    q.push(3);
    q.close();
    expect(await all).toEqual([1, 2, 3]);
  });

  it("drops and counts items beyond its capacity", async () => {
    const q = createEventQueue<number>(2);
    for (let i = 0; i < 5; i++) q.push(i);
    q.close();
    expect(await drain(q)).toEqual([0, 1]);
    expect(q.dropped).toBe(3);
  });

  it("queues control items past its capacity", async () => {
    const q = createEventQueue<number>(1);
    q.push(1);
    q.push(2);
    q.pushAlways(99);
    q.close();
    expect(await drain(q)).toEqual([1, 99]);
    expect(q.dropped).toBe(1);
  });

  it("batches what a burst queued while the consumer waited, and what queued while it was busy, up to maxBatch", async () => {
    const q = createEventQueue<number>(100, { maxBatch: 3 });
    const got = batches(q);
    // The consumer is waiting: a synchronous burst arrives as one batch.
    q.push(1);
    q.push(2);
    await new Promise((r) => setImmediate(r));
    // It is waiting again; this burst is longer than maxBatch.
    for (let i = 3; i <= 9; i++) q.push(i);
    q.close();
    expect(await got).toEqual([[1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  });

  it("hands over in one batch what separate callbacks of one event-loop turn queued", async () => {
    // A proxy emits a request's events from separate I/O callbacks; each must not become its own message.
    const q = createEventQueue<string>(100);
    const got = batches(q);
    await new Promise((r) => setImmediate(r)); // the consumer is waiting
    await new Promise<void>((done) => {
      setImmediate(() => q.push("a"));
      setImmediate(() => q.push("b"));
      setImmediate(() => {
        q.push("c");
        done();
      });
    });
    await new Promise((r) => setImmediate(r));
    q.close();
    expect(await got).toEqual([["a", "b", "c"]]);
  });

  it("bounds the bytes queued too, when told each item's size", async () => {
    const q = createEventQueue<string>(100, { bytes: { maxBytes: 10, sizeOf: (s) => s.length } });
    for (const s of ["aaaa", "bbbb", "cc", "dd"]) q.push(s); // "dd" would make 12 bytes
    q.pushAlways("control");
    const got = batches(q);
    await new Promise((r) => setImmediate(r));
    // Taking a batch frees its bytes: room again.
    q.push("eeeeeeeeee");
    q.close();
    expect((await got).flat()).toEqual(["aaaa", "bbbb", "cc", "control", "eeeeeeeeee"]);
    expect(q.dropped).toBe(1);
  });

  it("caps a batch's bytes, and always takes at least one item", async () => {
    const q = createEventQueue<string>(100, { bytes: { maxBytes: 100, sizeOf: (s) => s.length, maxBatchBytes: 5 } });
    for (const s of ["aaa", "bb", "cccc", "dddddd", "e"]) q.push(s);
    q.close();
    expect(await batches(q)).toEqual([["aaa", "bb"], ["cccc"], ["dddddd"], ["e"]]);
  });

  it("lets go of taken items when every batch leaves some behind (steady load over a byte cap)", async () => {
    // Each turn queues 3 items and the consumer takes 2 (the byte cap), so the queue is never empty when it
    // takes: taken items must still be released, or memory grows with every event ever streamed.
    const q = createEventQueue<string>(10_000, { bytes: { maxBytes: 1 << 20, sizeOf: () => 1, maxBatchBytes: 2 } });
    const it = q[Symbol.asyncIterator]();
    let taken = 0;
    let mostHeld = 0;
    for (let turn = 0; turn < 2_000; turn++) {
      for (let i = 0; i < 3; i++) q.push("x");
      const r = await it.next();
      taken += r.done ? 0 : r.value.length;
      mostHeld = Math.max(mostHeld, q.held);
    }
    expect(taken).toBe(4_000);
    expect(q.size).toBe(2_000);
    // At most the queued items, and as many again taken but not yet released.
    expect(mostHeld).toBeLessThanOrEqual(2 * q.size + 3);
  });

  it("lingers: a waiting consumer gets what arrives within lingerMs as one batch, and a whole batch at once", async () => {
    vi.useFakeTimers();
    try {
      const q = createEventQueue<number>(100, { maxBatch: 3, lingerMs: 20 });
      const it = q[Symbol.asyncIterator]();
      const seen = (p: Promise<IteratorResult<number[]>>) => {
        const box: { value?: number[] } = {};
        void p.then((r) => (box.value = r.value));
        return box;
      };
      // The first item starts the clock; a second one 10 ms later joins it.
      const first = seen(it.next());
      q.push(1);
      await vi.advanceTimersByTimeAsync(10);
      q.push(2);
      await vi.advanceTimersByTimeAsync(5);
      expect(first.value).toBeUndefined();
      await vi.advanceTimersByTimeAsync(5);
      expect(first.value).toEqual([1, 2]);
      // A whole batch does not wait.
      const second = seen(it.next());
      q.push(3);
      q.push(4);
      q.push(5);
      await vi.advanceTimersByTimeAsync(0);
      expect(second.value).toEqual([3, 4, 5]);
      // What queued while the consumer was busy lingers too, counted from when it asks again.
      q.push(6);
      const third = seen(it.next());
      await vi.advanceTimersByTimeAsync(19);
      expect(third.value).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(third.value).toEqual([6]);
      // Closing delivers at once.
      const last = seen(it.next());
      q.push(7);
      q.close();
      await vi.advanceTimersByTimeAsync(0);
      expect(last.value).toEqual([7]);
      expect((await it.next()).done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("ends a waiting consumer when it returns early", async () => {
    const q = createEventQueue<number>(10);
    const it = q[Symbol.asyncIterator]();
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    q.push(1);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("ignores pushes after close", async () => {
    const q = createEventQueue<number>(2);
    q.close();
    q.push(1);
    expect(await drain(q)).toEqual([]);
  });

  it("lets go of everything queued at once when abandoned, and ends iteration", async () => {
    const q = createEventQueue<number>(10);
    const it = q[Symbol.asyncIterator]();
    for (let i = 0; i < 5; i++) q.push(i);
    q.abandon();
    expect([q.size, q.held]).toEqual([0, 0]);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    q.push(6);
    expect(q.size).toBe(0);
  });

  it("answers a consumer waiting for items when abandoned", async () => {
    const q = createEventQueue<number>(10);
    const pending = q[Symbol.asyncIterator]().next();
    q.abandon();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});

