// Rule YAML: syntax errors with lines, field lines for problems, and the editor's YAML checks.
import { describe, expect, it } from "vitest";
import { checkYaml } from "./editor-form";
import { lineOfPath, parseRuleYaml } from "./rule-yaml";

const TEXT = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: { host: reviews, subset: v1 }
          weight: 60
        - destination: { host: reviews, subset: v2 }
          weight: 30
`;

describe("rule YAML", () => {
  it("finds the line of a field, or of its nearest ancestor", () => {
    expect(lineOfPath(TEXT, "spec.http[0].route[1].weight")).toBe(12);
    expect(lineOfPath(TEXT, "spec.http[0].route[1].destination.subset")).toBe(11);
    expect(lineOfPath(TEXT, "spec.http[0].route")).toBe(8);
    expect(lineOfPath(TEXT, "spec.http[0].timeout")).toBe(8);
    expect(lineOfPath(TEXT, "metadata.name")).toBe(4);
  });

  it("reports syntax errors with their line", () => {
    const r = parseRuleYaml("kind: VirtualService\nspec:\n  hosts: [a\n");
    expect(r.docs).toEqual([]);
    expect(r.problems[0]).toMatchObject({ line: expect.any(Number), severity: "error" });
  });

  it("checks the editor's text: schema problems carry lines", () => {
    const c = checkYaml(TEXT);
    expect(c.docCount).toBe(1);
    expect(c.problems).toEqual([{ path: "spec.http[0].route", message: "weights must sum to 100; they sum to 90", line: 8, source: "client", severity: "error" }]);
    expect(checkYaml("").problems[0]!.message).toMatch(/empty/);
    expect(checkYaml("kind: Gateway\n").problems[0]).toMatchObject({ path: "kind" });
    expect(checkYaml(`${TEXT}---\n${TEXT}`)).toEqual({ problems: [], docCount: 2 });
  });
});
