// The sidebar's current section: path prefixes, and the rule editor under Policy for policy kinds.
import { describe, expect, it } from "vitest";
import { activeSection } from "./active-section";

const SECTIONS = ["/overview", "/tap", "/top", "/config", "/policy", "/history"];

describe("activeSection", () => {
  it("matches a section and its subpages, not a longer name that starts the same", () => {
    expect(activeSection("/tap", null, SECTIONS)).toBe("/tap");
    expect(activeSection("/top", null, SECTIONS)).toBe("/top");
    expect(activeSection("/config/edit", null, SECTIONS)).toBe("/config");
    expect(activeSection("/topology", null, SECTIONS)).toBeUndefined();
  });

  it("puts the rule editor under Policy for CheckRule and Quota, under Config for routing rules", () => {
    expect(activeSection("/config/edit", "CheckRule", SECTIONS)).toBe("/policy");
    expect(activeSection("/config/edit", "Quota", SECTIONS)).toBe("/policy");
    expect(activeSection("/config/edit", "VirtualService", SECTIONS)).toBe("/config");
    expect(activeSection("/config", "CheckRule", SECTIONS)).toBe("/config");
  });
});
