// CheckRule form ↔ policy.meshdash.io object: stored rules round-trip unchanged (extras included), form
// edits produce the YAML the server expects, and every problem path has a field.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkRuleFromIstio, checkRulePaths, checkRuleToIstio, newCheckRule } from "./check-rule-form";
import { checkYaml, formFromIstio, formToIstio, newForm } from "./editor-form";
import { placeProblems } from "./field-errors";
import { ruleToYaml } from "./rule-yaml";

const NO_ADMIN = `apiVersion: policy.meshdash.io/v1
kind: CheckRule
metadata:
  name: no-admin
  namespace: default
spec:
  selector:
    matchLabels:
      app: details
  action: DENY
  match: request.path.startsWith("/admin") && source.workload.name == "productpage-v1"
  reason: admin is internal
`;

const formOf = (yaml: string) => {
  const r = checkRuleFromIstio(parse(yaml));
  if (!("form" in r)) throw new Error(r.problem);
  return r.form;
};

describe("CheckRule form", () => {
  it("round-trips a stored rule to the same YAML", () => {
    expect(ruleToYaml(checkRuleToIstio(formOf(NO_ADMIN)))).toBe(NO_ADMIN);
  });

  it("keeps keys it does not edit (spec, selector, metadata) in place", () => {
    const yaml = NO_ADMIN.replace("  name: no-admin\n", "  name: no-admin\n  labels:\n    team: a\n").replace("    matchLabels:\n", "    future: 1\n    matchLabels:\n").replace("  reason: admin is internal\n", "  reason: admin is internal\n  priority: 3\n");
    const back = checkRuleToIstio(formOf(yaml)) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    expect(back.metadata.labels).toEqual({ team: "a" });
    expect(back.spec.priority).toBe(3);
    expect(back.spec.selector).toEqual({ matchLabels: { app: "details" }, future: 1 });
  });

  it("writes a new rule without the optional fields it leaves empty", () => {
    const f = { ...newCheckRule(), name: "deny-all" };
    expect(checkRuleToIstio(f)).toEqual({ apiVersion: "policy.meshdash.io/v1", kind: "CheckRule", metadata: { name: "deny-all", namespace: "default" }, spec: { action: "DENY" } });
    f.selector = { labels: [{ key: " app ", value: "details " }], extra: {} };
    f.match = 'request.path.startsWith("/x")';
    f.reason = "  ";
    expect((checkRuleToIstio(f) as { spec: unknown }).spec).toEqual({ selector: { matchLabels: { app: "details" } }, action: "DENY", match: 'request.path.startsWith("/x")' });
  });

  it("refuses what the form cannot show, so the editor opens it as YAML", () => {
    expect(checkRuleFromIstio(parse("kind: CheckRule\nspec: { selector: [a] }"))).toEqual({ problem: expect.stringContaining("spec.selector") });
    expect(checkRuleFromIstio(parse("kind: CheckRule\nspec: { match: { a: 1 } }"))).toEqual({ problem: expect.stringContaining("spec.match") });
    expect(checkRuleFromIstio(parse("kind: Quota"))).toEqual({ problem: "not a CheckRule document" });
  });

  it("places the server's CEL error and label errors at their fields", () => {
    const f = formOf(NO_ADMIN);
    const placed = placeProblems(
      [
        { path: "spec.match", message: "invalid CEL at 1:13: Syntax error", source: "server", severity: "error" },
        { path: "spec.selector.matchLabels.app", message: "bad", source: "client", severity: "error" },
        { path: "spec.mach", message: 'unknown field; did you mean "match"?', source: "server", severity: "error" },
      ],
      checkRulePaths(f),
    );
    expect([...placed.atField.keys()]).toEqual(["spec.match", "spec.selector.matchLabels.app"]);
    expect(placed.unplaced.map((p) => p.path)).toEqual(["spec.mach"]);
  });

  it("goes through the editor's kind-neutral functions", () => {
    const form = newForm("CheckRule");
    expect(form.kind).toBe("CheckRule");
    const r = formFromIstio("CheckRule", parse(NO_ADMIN));
    expect("form" in r && ruleToYaml(formToIstio(r.form))).toBe(NO_ADMIN);
    expect(checkYaml(NO_ADMIN).problems).toEqual([]);
    expect(checkYaml("kind: Gateway\n").problems[0]?.message).toBe("must be VirtualService, DestinationRule, CheckRule or Quota");
  });
});
