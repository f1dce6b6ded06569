// CheckRule and Quota validation through the same YAML loader as Istio rules: typed specs out, CEL errors
// with their line:column inside the expression and the YAML line, envelope and field errors with paths.

import { describe, expect, it } from "vitest";
import { fakeLookup } from "./test-fixtures";
import { ruleToYaml } from "./rules-yaml";
import { loadRulesYaml } from "./validate-rules";

const lookup = fakeLookup();
const load = (yaml: string) => loadRulesYaml(yaml, { lookup, existing: [] });
const lines = (errors: { rule?: string; path: string; message: string; line?: number }[]) => errors.map((e) => `${e.rule ?? ""} ${e.path} (line ${e.line ?? "?"}): ${e.message}`);

const CHECK = `apiVersion: policy.meshdash.io/v1
kind: CheckRule
metadata: { name: no-admin, namespace: default }
spec:
  selector: { matchLabels: { app: details } }
  action: DENY
  match: 'request.path.startsWith("/admin") && source.workload.name == "productpage-v1"'
  reason: admin is internal
`;
const QUOTA = `apiVersion: policy.meshdash.io/v1
kind: Quota
metadata: { name: per-user }
spec:
  match: request.method == "GET"
  dimensions:
    user: request.headers["x-user"]
  maxAmount: 100
  validDuration: 1s
`;

describe("CheckRule and Quota validation", () => {
  it("loads valid rules into typed specs, in the default namespace when none is given", () => {
    const r = load(`${CHECK}---\n${QUOTA}`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.rules).toEqual([
      { kind: "CheckRule", metadata: { name: "no-admin", namespace: "default" }, spec: { selector: { matchLabels: { app: "details" } }, action: "DENY", match: 'request.path.startsWith("/admin") && source.workload.name == "productpage-v1"', reason: "admin is internal" } },
      { kind: "Quota", metadata: { name: "per-user", namespace: "default" }, spec: { match: 'request.method == "GET"', dimensions: { user: 'request.headers["x-user"]' }, maxAmount: 100, validDuration: "1s" } },
    ]);
  });

  it("writes stored policies back as policy.meshdash.io/v1 YAML that loads to the same rule (what the editor opens)", () => {
    const rules = load(`${CHECK}---\n${QUOTA}`).rules;
    for (const rule of rules) {
      const yaml = ruleToYaml(rule);
      expect(yaml).toMatch(/^apiVersion: policy\.meshdash\.io\/v1\n/);
      expect(load(yaml)).toMatchObject({ errors: [], rules: [rule] });
    }
  });

  it("rejects an invalid expression at push time with its position, and the YAML line of the field", () => {
    const r = load(CHECK.replace(`'request.path.startsWith("/admin") && source.workload.name == "productpage-v1"'`, `'request.path.startsWith("/admin") &&'`));
    expect(r.rules).toEqual([]);
    expect(r.errors).toHaveLength(1);
    const e = r.errors[0]!;
    expect(e).toMatchObject({ rule: "CheckRule default/no-admin", path: "spec.match", line: 7 });
    expect(e.message).toMatch(/^invalid CEL at 1:\d+: /);
    const q = load(QUOTA.replace(`user: request.headers["x-user"]`, `user: request.headers[`));
    expect(lines(q.errors)).toEqual([expect.stringMatching(/^Quota default\/per-user spec\.dimensions\.user \(line 7\): invalid CEL at 1:\d+: /)]);
  });

  it("names every bad field: action, amount, window, selector, dimension names, typos, API group", () => {
    const r = load(`apiVersion: policy.meshdash.io/v1
kind: CheckRule
metadata: { name: bad }
spec:
  action: BLOCK
  mach: "true"
  selector: { matchLabels: {} }
---
apiVersion: policy.meshdash.io/v1
kind: Quota
metadata: { name: bad }
spec:
  maxAmount: 0
  validDuration: soon
  dimensions: { "bad name": "1" }
---
apiVersion: networking.istio.io/v1
kind: Quota
metadata: { name: wrong-group }
spec: { maxAmount: 1, validDuration: 1s }
`);
    expect(r.errors).toHaveLength(7);
    expect(lines(r.errors)).toEqual(expect.arrayContaining([
      'CheckRule default/bad spec.action (line 5): must be DENY or ALLOW, got "BLOCK"',
      'CheckRule default/bad spec.mach (line 6): unknown field; did you mean "match"?',
      "CheckRule default/bad spec.selector.matchLabels (line 7): at least one label is required (leave selector out to select every workload)",
      "Quota default/bad spec.maxAmount (line 13): must be an integer from 1 to 1000000000",
      expect.stringMatching(/^Quota default\/bad spec\.validDuration \(line 14\): /),
      'Quota default/bad spec.dimensions["bad name"] (line 15): invalid dimension name "bad name"; use letters, digits and "_"',
      'Quota default/wrong-group apiVersion (line 17): "networking.istio.io/v1" is not supported; use policy.meshdash.io/v1 for Quota',
    ]));
  });

  it("refuses empty and oversized expressions", () => {
    expect(lines(load(CHECK.replace(/match: .*\n/, "match: ''\n")).errors)).toEqual(["CheckRule default/no-admin spec.match (line 7): must not be empty (leave the field out to match every request)"]);
    const huge = `'${"request.path == \"/x\" || ".repeat(200)}true'`;
    expect(load(CHECK.replace(/match: .*\n/, `match: ${huge}\n`)).errors[0]!.message).toMatch(/longer than 4096 bytes/);
  });
});
