// The bounded event queue between the proxies' request path and one RPC stream: order, drops, close.
import { describe, expect, it } from "vitest";
import { createEventQueue } from "./event-queue";

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

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

  it("ignores pushes after close", async () => {
    const q = createEventQueue<number>(2);
    q.close();
    q.push(1);
    expect(await drain(q)).toEqual([]);
  });
});
