import { describe, expect, it } from "vitest";
import { compileSafeRegex, hasNestedQuantifier } from "./safe-regex";

describe("safe regex", () => {
  it("anchors full matches and honours ignore_case", () => {
    const re = compileSafeRegex("/api/v[0-9]+/users", { fullMatch: true });
    expect(re.test("/api/v2/users")).toBe(true);
    expect(re.test("/api/v2/users/1")).toBe(false);
    expect(compileSafeRegex("abc", { fullMatch: true, ignoreCase: true }).test("ABC")).toBe(true);
  });

  it("rejects what RE2 would not accept or what would backtrack catastrophically", () => {
    expect(() => compileSafeRegex("(a)\\1", { fullMatch: true })).toThrow("backreferences");
    expect(() => compileSafeRegex("foo(?=bar)", { fullMatch: true })).toThrow("lookaround");
    expect(() => compileSafeRegex("(a+)+$", { fullMatch: true })).toThrow("nested quantifiers");
    expect(() => compileSafeRegex("((ab)*)*", { fullMatch: true })).toThrow("nested quantifiers");
    expect(() => compileSafeRegex("(?i)abc", { fullMatch: true })).toThrow("inline flags");
    expect(() => compileSafeRegex("x".repeat(2000), { fullMatch: true })).toThrow("longer than");
    expect(() => compileSafeRegex("[a-", { fullMatch: true })).toThrow();
  });

  it("accepts ordinary quantified groups", () => {
    expect(hasNestedQuantifier("(ab)+")).toBe(false);
    expect(hasNestedQuantifier("/users/[0-9]+(/posts)?")).toBe(false);
    expect(hasNestedQuantifier("(a|b)*c+")).toBe(false);
    expect(hasNestedQuantifier("[(a+)+]")).toBe(false);
  });
});
