import { describe, expect, it } from "vitest";
import { createRoundRobin } from "./round-robin";

describe("round robin", () => {
  it("visits every host once per cycle, in order", () => {
    const lb = createRoundRobin(["a", "b", "c"]);
    const first = [lb.pick(), lb.pick(), lb.pick()];
    expect([...first].sort()).toEqual(["a", "b", "c"]);
    const second = [lb.pick(), lb.pick(), lb.pick()];
    expect(second).toEqual(first);
  });

  it("returns undefined for an empty cluster", () => {
    expect(createRoundRobin<string>([]).pick()).toBeUndefined();
  });
});
