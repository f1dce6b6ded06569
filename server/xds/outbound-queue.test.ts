// The per-stream outbound queue: order, "written" resolution, close after drain, error, dispose.

import { describe, expect, it } from "vitest";
import { createOutbound } from "./outbound-queue";

describe("outbound queue", () => {
  it("yields in order and resolves send() once the message was taken and written", async () => {
    const out = createOutbound<string>();
    let firstWritten = false;
    const a = out.send("a").then(() => (firstWritten = true));
    void out.send("b");
    const item = await out.next();
    expect(item?.msg).toBe("a");
    await Promise.resolve();
    expect(firstWritten).toBe(false);
    item!.written();
    await a;
    expect((await out.next())?.msg).toBe("b");
    out.close();
    expect(await out.next()).toBeUndefined();
    await expect(out.send("late")).resolves.toBeUndefined();
  });

  it("wakes a waiting reader, and close(err) makes next() throw", async () => {
    const out = createOutbound<string>();
    const pending = out.next();
    void out.send("x");
    expect((await pending)?.msg).toBe("x");
    const failing = out.next();
    out.close(new Error("gone"));
    await expect(failing).rejects.toThrow("gone");
  });

  it("dispose() settles every pending send", async () => {
    const out = createOutbound<number>();
    const sends = [out.send(1), out.send(2)];
    await out.next(); // 1 is in flight, never marked written
    out.dispose();
    await expect(Promise.all(sends)).resolves.toEqual([undefined, undefined]);
  });
});
