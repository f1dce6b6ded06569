// User regexes run in linear time: RE2 for matching, V8's linear engine for rewrites; RE2 syntax only.
import { describe, expect, it } from "vitest";
import { compileRewriteRegex, compileSafeRegex } from "./safe-regex";

describe("safe regex", () => {
  it("anchors full matches and honours ignore_case", () => {
    const re = compileSafeRegex("/api/v[0-9]+/users", { fullMatch: true });
    expect(re.test("/api/v2/users")).toBe(true);
    expect(re.test("/api/v2/users/1")).toBe(false);
    expect(compileSafeRegex("abc", { fullMatch: true, ignoreCase: true }).test("ABC")).toBe(true);
    expect(compileSafeRegex("v[0-9]", { fullMatch: false }).test("/api/v2/users")).toBe(true);
  });

  it("takes RE2 syntax and rejects what RE2 would not accept", () => {
    expect(compileSafeRegex("(?i)abc", { fullMatch: true }).test("ABC")).toBe(true);
    expect(compileSafeRegex("(?P<id>[0-9]+)", { fullMatch: true }).test("42")).toBe(true);
    expect(() => compileSafeRegex("(a)\\1", { fullMatch: true })).toThrow();
    expect(() => compileSafeRegex("foo(?=bar)", { fullMatch: true })).toThrow();
    expect(() => compileSafeRegex("x".repeat(2000), { fullMatch: true })).toThrow("longer than");
    expect(() => compileSafeRegex("[a-", { fullMatch: true })).toThrow();
  });

  it("runs patterns that make a backtracking engine hang in linear time", () => {
    // Each of these takes seconds to hours in a backtracking engine on these inputs; the test would time out.
    expect(compileSafeRegex("(a|a)*b", { fullMatch: true }).test("a".repeat(5000))).toBe(false);
    expect(compileSafeRegex("(a+)+$", { fullMatch: true }).test(`${"a".repeat(5000)}!`)).toBe(false);
    expect(compileSafeRegex("a*a*a*a*a*b", { fullMatch: false }).test("a".repeat(5000))).toBe(false);
    expect(`${"a".repeat(5000)}!`.replace(compileRewriteRegex("(a|a)*b"), "x")).toHaveLength(5001);
  });

  it("rewrites with capture groups, replacing every match", () => {
    expect("/service/foo/bar".replace(compileRewriteRegex("^/service/([^/]+)(/.*)$"), "$2/instance/$1")).toBe("/bar/instance/foo");
    expect("/a/a/a".replace(compileRewriteRegex("a"), "b")).toBe("/b/b/b");
    expect(() => compileRewriteRegex("(a)\\1")).toThrow();
  });
});
