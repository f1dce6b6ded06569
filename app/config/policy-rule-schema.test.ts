// The client-side CheckRule and Quota schemas: the problems a user sees as they type, at the server's paths.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkRuleProblems, quotaProblems } from "./policy-rule-schema";

const check = (spec: string) => checkRuleProblems(parse(`apiVersion: policy.meshdash.io/v1\nkind: CheckRule\nmetadata: {name: no-admin}\nspec: ${spec}`)).map((p) => `${p.path}: ${p.message}`);
const quota = (spec: string) => quotaProblems(parse(`apiVersion: policy.meshdash.io/v1\nkind: Quota\nmetadata: {name: per-user}\nspec: ${spec}`)).map((p) => `${p.path}: ${p.message}`);

describe("CheckRule schema", () => {
  it("accepts a rule with or without selector and match", () => {
    expect(check(`{selector: {matchLabels: {app: details}}, action: DENY, match: 'request.path.startsWith("/admin")', reason: internal}`)).toEqual([]);
    expect(check("{action: ALLOW}")).toEqual([]);
  });

  it("names the action, empty expressions and bad selectors at their paths", () => {
    expect(check("{action: BLOCK, match: ' ', selector: {matchLabels: {'bad key!': x, app: 'a b'}}}")).toEqual([
      "spec.selector.matchLabels[\"bad key!\"]: invalid label key \"bad key!\"",
      'spec.selector.matchLabels.app: invalid label value "a b"',
      'spec.action: must be DENY or ALLOW, got "BLOCK"',
      "spec.match: must not be empty (leave the field out to match every request)",
    ]);
    expect(check("{selector: {matchLabels: {}}}")).toEqual(["spec.selector.matchLabels: at least one label is required (leave selector out to select every workload)", "spec.action: required; DENY or ALLOW"]);
  });
});

describe("Quota schema", () => {
  it("accepts the memquota shape", () => {
    expect(quota(`{dimensions: {user: 'request.headers["x-user"]'}, maxAmount: 2, validDuration: 60s}`)).toEqual([]);
  });

  it("wants a positive integer amount, a duration and identifier dimension names", () => {
    expect(quota("{dimensions: {'bad name': x, ok: ''}, maxAmount: 0, validDuration: soon}")).toEqual([
      "spec.dimensions.ok: must not be empty (leave the field out to match every request)",
      'spec.dimensions["bad name"]: invalid dimension name "bad name"; use letters, digits and "_"',
      "spec.maxAmount: must be an integer from 1 to 1000000000",
      'spec.validDuration: invalid duration "soon"; use a number with a unit, e.g. "1s", "1.5s", "250ms", "1m"',
    ]);
    expect(quota("{maxAmount: '5'}")).toEqual(['spec.maxAmount: expected a number, got "5"', "spec.validDuration: required"]);
  });
});
