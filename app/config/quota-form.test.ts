// Quota form ↔ policy.meshdash.io object: round trips, dimensions as rows, amounts as numbers, and the
// field paths CEL errors land at.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { placeProblems } from "./field-errors";
import { duplicateDimensions, emptyDimension, newQuota, quotaFromIstio, quotaPaths, quotaToIstio } from "./quota-form";
import { ruleToYaml } from "./rule-yaml";

const PER_USER = `apiVersion: policy.meshdash.io/v1
kind: Quota
metadata:
  name: per-user
  namespace: default
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  match: request.method == "GET"
  dimensions:
    user: request.headers["x-user"]
    path: request.path
  maxAmount: 100
  validDuration: 1s
`;

const formOf = (yaml: string) => {
  const r = quotaFromIstio(parse(yaml));
  if (!("form" in r)) throw new Error(r.problem);
  return r.form;
};

describe("Quota form", () => {
  it("round-trips a stored quota to the same YAML", () => {
    const f = formOf(PER_USER);
    expect(f.dimensions.map((d) => [d.name, d.expr])).toEqual([["user", 'request.headers["x-user"]'], ["path", "request.path"]]);
    expect(f.maxAmount).toBe("100");
    expect(ruleToYaml(quotaToIstio(f))).toBe(PER_USER);
  });

  it("writes numbers as numbers, leaves out empty match and dimensions, keeps what it does not edit", () => {
    const f = { ...newQuota("istio-system"), name: "global", maxAmount: "5", validDuration: " 60s " };
    expect(quotaToIstio(f)).toEqual({ apiVersion: "policy.meshdash.io/v1", kind: "Quota", metadata: { name: "global", namespace: "istio-system" }, spec: { maxAmount: 5, validDuration: "60s" } });
    f.maxAmount = "lots";
    f.dimensions = [emptyDimension("user", 'request.headers["x-user"]')];
    f.specExtra = { burst: 2 };
    expect((quotaToIstio(f) as { spec: unknown }).spec).toEqual({ dimensions: { user: 'request.headers["x-user"]' }, maxAmount: "lots", validDuration: "60s", burst: 2 });
  });

  it("names dimensions typed twice", () => {
    const f = { ...newQuota(), dimensions: [emptyDimension("u", "a"), emptyDimension("u ", "b"), emptyDimension("p", "c")] };
    expect(duplicateDimensions(f)).toEqual(["u"]);
  });

  it("refuses what the form cannot show", () => {
    expect(quotaFromIstio(parse("kind: Quota\nspec: { dimensions: [a] }"))).toEqual({ problem: expect.stringContaining("spec.dimensions") });
    expect(quotaFromIstio(parse("kind: Quota\nspec: { maxAmount: { a: 1 } }"))).toEqual({ problem: expect.stringContaining("spec.maxAmount") });
  });

  it("places a dimension's CEL error at that dimension, quoting names that are not identifiers", () => {
    const f = { ...formOf(PER_USER), dimensions: [emptyDimension("user", "x"), emptyDimension("bad name", "y")] };
    const placed = placeProblems(
      [
        { path: "spec.dimensions.user", message: "invalid CEL at 1:22: Syntax error", source: "server", severity: "error" },
        { path: 'spec.dimensions["bad name"]', message: "invalid dimension name", source: "client", severity: "error" },
        { path: "spec.validDuration", message: "invalid duration", source: "client", severity: "error" },
      ],
      quotaPaths(f),
    );
    expect([...placed.atField.keys()]).toEqual(["spec.dimensions.user", 'spec.dimensions["bad name"]', "spec.validDuration"]);
    expect(placed.unplaced).toEqual([]);
  });
});
