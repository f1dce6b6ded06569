// Field paths: formatting as the server does, parsing back, and the nearest ancestor a form shows.
import { describe, expect, it } from "vitest";
import { formatPath, nearestKnown, parsePath } from "./field-paths";

describe("field paths", () => {
  it("formats and parses the server's path syntax", () => {
    const segs = ["spec", "http", 0, "match", 1, "headers", "end-user"];
    const p = formatPath(segs);
    expect(p).toBe('spec.http[0].match[1].headers["end-user"]');
    expect(parsePath(p)).toEqual(segs);
    expect(parsePath("spec.http[0].route[1].weight")).toEqual(["spec", "http", 0, "route", 1, "weight"]);
    expect(parsePath('a["x.]y"].b')).toEqual(["a", "x.]y", "b"]);
    expect(parsePath("")).toEqual([]);
    expect(parsePath("a[x]")).toBeUndefined();
  });

  it("finds the nearest shown ancestor", () => {
    const known = new Set(["spec.http[0]", "spec.http[0].route", "spec.http[0].route[1].weight"]);
    expect(nearestKnown("spec.http[0].route[1].weight", known)).toBe("spec.http[0].route[1].weight");
    expect(nearestKnown("spec.http[0].route[1].destination.port.number", known)).toBe("spec.http[0].route");
    expect(nearestKnown("spec.http[0].redirect", known)).toBe("spec.http[0]");
    expect(nearestKnown("metadata.labels", known)).toBeUndefined();
    expect(nearestKnown("", known)).toBeUndefined();
  });
});
