// Tests the debounce rules with fake timers: quiet period, max wait, merging, and one push at a time.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PushRequest, XdsType } from "../../xds/xds-types";
import { createDebouncer } from "./debouncer";

const req = (types: XdsType[], changedAt: number, reason = "x"): PushRequest => ({ types: new Set(types), changedAt, reason });

describe("push debounce", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("waits for 100 ms of quiet and merges types, earliest change time and reasons", async () => {
    const fired: PushRequest[] = [];
    const d = createDebouncer({ afterMs: 100, maxMs: 10_000, fire: async (r) => void fired.push(r) });
    d.request(req(["endpoint"], 1_000_000, "eds"));
    await vi.advanceTimersByTimeAsync(60);
    d.request(req(["route", "listener"], 1_000_060, "vs"));
    await vi.advanceTimersByTimeAsync(99);
    expect(fired).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toHaveLength(1);
    expect([...fired[0]!.types].sort()).toEqual(["endpoint", "listener", "route"]);
    expect(fired[0]!.changedAt).toBe(1_000_000);
    expect(fired[0]!.reason).toBe("eds; vs");
  });

  it("pushes after the max wait even when changes never go quiet", async () => {
    const fired: PushRequest[] = [];
    const d = createDebouncer({ afterMs: 100, maxMs: 1_000, fire: async (r) => void fired.push(r) });
    for (let t = 0; t < 1_500; t += 50) {
      d.request(req(["cluster"], Date.now()));
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(fired.length).toBe(1);
    d.stop();
  });

  it("runs one push at a time and merges what arrives during it into the next", async () => {
    const fired: PushRequest[] = [];
    let release!: () => void;
    const d = createDebouncer({
      afterMs: 100,
      maxMs: 10_000,
      fire: (r) => {
        fired.push(r);
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    d.request(req(["cluster"], Date.now()));
    await vi.advanceTimersByTimeAsync(100);
    d.request(req(["route"], Date.now()));
    d.request(req(["listener"], Date.now()));
    await vi.advanceTimersByTimeAsync(500);
    expect(fired).toHaveLength(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(fired).toHaveLength(2);
    expect([...fired[1]!.types].sort()).toEqual(["listener", "route"]);
    release();
    await d.idle();
  });

  it("a failing push is reported and does not stop later pushes", async () => {
    const errors: unknown[] = [];
    let n = 0;
    const d = createDebouncer({ afterMs: 10, maxMs: 100, fire: async () => {
        if (n++ === 0) throw new Error("boom");
      }, onError: (e) => errors.push(e) });
    d.request(req(["cluster"], Date.now()));
    await vi.advanceTimersByTimeAsync(10);
    d.request(req(["cluster"], Date.now()));
    await vi.advanceTimersByTimeAsync(10);
    expect(n).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
