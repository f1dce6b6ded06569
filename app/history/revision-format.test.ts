// How revisions are worded on the History page.
import { describe, expect, it } from "vitest";
import { defaultPair, describeChanges, relativeTime } from "./revision-format";

describe("revision format", () => {
  it("words changes and relative times", () => {
    expect(describeChanges([{ ref: { kind: "VirtualService", namespace: "default", name: "reviews" }, op: "put" }, { op: "delete", ref: { kind: "DestinationRule", namespace: "a", name: "b" } }])).toEqual([
      "set VirtualService default/reviews",
      "deleted DestinationRule a/b",
    ]);
    expect(relativeTime(1000, 3000)).toBe("just now");
    expect(relativeTime(0, 90_000)).toBe("2 min ago");
    expect(relativeTime(0, 3 * 86_400_000)).toBe("3 days ago");
  });

  it("compares the head with the revision before it by default", () => {
    expect(defaultPair([3, 5, 4])).toEqual({ from: 4, to: 5 });
    expect(defaultPair([1])).toBeUndefined();
  });
});
