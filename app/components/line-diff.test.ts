// The line diff behind every before/after view: minimal changes, line numbers, folded context.
import { describe, expect, it } from "vitest";
import { diffLines, diffStats, foldUnchanged } from "./line-diff";

const render = (before: string, after: string) => diffLines(before, after).map((l) => `${l.kind === "add" ? "+" : l.kind === "del" ? "-" : " "}${l.text}`);

describe("line diff", () => {
  it("shows a changed weight as one deletion and one addition", () => {
    expect(render("a\nweight: 50\nb\n", "a\nweight: 100\nb\n")).toEqual([" a", "-weight: 50", "+weight: 100", " b"]);
  });

  it("handles additions, removals and empty texts with line numbers", () => {
    const d = diffLines("x\ny\n", "x\nz\ny\nw\n");
    expect(d.map((l) => [l.kind, l.a, l.b])).toEqual([
      ["same", 1, 1],
      ["add", undefined, 2],
      ["same", 2, 3],
      ["add", undefined, 4],
    ]);
    expect(render("", "a\n")).toEqual(["+a"]);
    expect(render("a\n", "")).toEqual(["-a"]);
    expect(diffStats(diffLines("a\nb\nc\n", "a\nc\nd\n"))).toEqual({ added: 1, removed: 1 });
  });

  it("folds long unchanged runs around changes", () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const after = before.replace("l10", "L10");
    const rows = foldUnchanged(diffLines(before, after), 2);
    expect(rows.map((r) => (r.kind === "fold" ? `…${r.count}` : r.text))).toEqual(["…8", "l8", "l9", "l10", "L10", "l11", "l12", "…7"]);
  });
});
