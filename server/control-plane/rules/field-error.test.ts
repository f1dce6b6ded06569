// Field paths: formatting, walking to a parent, finding the YAML line of a path, and one-line error text.

import { describe, expect, it } from "vitest";
import { formatFieldError, formatPath, lineFor, parentPath } from "./field-error";

describe("field paths", () => {
  it("formats fields, indexes and non-identifier keys", () => {
    expect(formatPath(["spec", "http", 0, "route", 1, "weight"])).toBe("spec.http[0].route[1].weight");
    expect(formatPath(["spec", "http", 0, "match", 0, "headers", "end-user", "exact"])).toBe('spec.http[0].match[0].headers["end-user"].exact');
    expect(formatPath([])).toBe("");
  });

  it("walks up to the parent, including over quoted keys", () => {
    expect(parentPath("spec.http[0].route")).toBe("spec.http[0]");
    expect(parentPath("spec.http[0]")).toBe("spec.http");
    expect(parentPath('spec.labels["a.b[c]"]')).toBe("spec.labels");
    expect(parentPath('spec.labels["x\\"]"]')).toBe("spec.labels");
    expect(parentPath("spec")).toBe("");
  });

  it("finds the line of a path or of its nearest ancestor", () => {
    const lines = new Map([["", 1], ["spec", 5], ["spec.http[0]", 7]]);
    expect(lineFor(lines, "spec.http[0].route[1].weight")).toBe(7);
    expect(lineFor(lines, "metadata.name")).toBe(1);
    expect(lineFor(undefined, "spec")).toBeUndefined();
  });

  it("prints one line per error", () => {
    expect(formatFieldError({ path: "spec.hosts", message: "required", doc: 1, line: 14, rule: "VirtualService default/reviews" })).toBe(
      "document 2, line 14: VirtualService default/reviews: spec.hosts: required",
    );
    expect(formatFieldError({ path: "", message: "YAML syntax error: x", line: 3, column: 5 })).toBe("line 3, column 5: YAML syntax error: x");
  });
});
