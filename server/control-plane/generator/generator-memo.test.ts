// The generator's memo maps: bounded by entries and by the characters of their keys, which carry
// client-chosen resource names, so distinct huge subscriptions cannot exhaust the heap.

import { describe, expect, it } from "vitest";
import { MEMO_KEY_CHARS, memo, memoHeld } from "./generator";

describe("generator memo", () => {
  it("answers from the map while a key is held", () => {
    const m = new Map<string, number>();
    let made = 0;
    expect(memo(m, "pick a", () => ++made)).toBe(1);
    expect(memo(m, "pick a", () => ++made)).toBe(1);
    expect(made).toBe(1);
  });

  it("starts over rather than hold more key characters than MEMO_KEY_CHARS", () => {
    const m = new Map<string, number>();
    const half = MEMO_KEY_CHARS / 2 + 1;
    memo(m, "a".repeat(half), () => 1);
    memo(m, "b".repeat(half), () => 2);
    expect(memoHeld(m)).toEqual({ entries: 1, keyChars: half });
    for (let i = 0; i < 10; i++) memo(m, `${i}`.repeat(half / 2), () => i);
    expect(memoHeld(m).keyChars).toBeLessThanOrEqual(MEMO_KEY_CHARS);
  });

  it("answers a key bigger than the budget without keeping it", () => {
    const m = new Map<string, number>();
    memo(m, "small", () => 0);
    expect(memo(m, "x".repeat(MEMO_KEY_CHARS + 1), () => 7)).toBe(7);
    expect(memoHeld(m)).toEqual({ entries: 0, keyChars: 0 });
  });
});
