// The client-side VirtualService schema: the problems a user sees as they type, at the server's paths.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { virtualServiceProblems } from "./virtual-service-schema";

const doc = (http: string) =>
  parse(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
${http}`);

const paths = (yamlHttp: string) => virtualServiceProblems(doc(yamlHttp)).map((p) => `${p.path}: ${p.message}`);

describe("VirtualService schema", () => {
  it("accepts the demo split", () => {
    expect(paths("    - route: [{destination: {host: reviews, subset: v1}, weight: 50}, {destination: {host: reviews, subset: v2}, weight: 50}]")).toEqual([]);
  });

  it("wants weights that sum to 100, reported on the route list as the server does", () => {
    expect(paths("    - route: [{destination: {host: reviews, subset: v1}, weight: 60}, {destination: {host: reviews, subset: v2}, weight: 30}]")).toEqual([
      "spec.http[0].route: weights must sum to 100; they sum to 90",
    ]);
  });

  it("reports ranges, durations, types and required fields together", () => {
    const got = paths(`    - route: [{destination: {host: "", port: {number: 70000}}, weight: 101}, {destination: {host: reviews}, weight: "x"}]
      timeout: 3x
      retries: {attempts: -1, retryOn: "5xx, reset"}
      fault: {abort: {httpStatus: 99, percentage: {value: 120}}}`);
    expect(got).toEqual(
      expect.arrayContaining([
        "spec.http[0].route[0].destination.host: required",
        "spec.http[0].route[0].destination.port.number: must be a port number from 1 to 65535",
        "spec.http[0].route[0].weight: must be an integer from 0 to 100",
        'spec.http[0].route[1].weight: expected a number, got "x"',
        'spec.http[0].timeout: invalid duration "3x"; use a number with a unit, e.g. "1s", "1.5s", "250ms", "1m"',
        "spec.http[0].retries.attempts: must be a non-negative integer",
        expect.stringContaining('spec.http[0].retries.retryOn: " reset" is not a retryOn policy (remove the spaces)'),
        "spec.http[0].fault.abort.httpStatus: must be an HTTP status from 200 to 599",
        "spec.http[0].fault.abort.percentage.value: must be a percentage from 0 to 100",
      ]),
    );
  });

  it("checks matches and needs a destination", () => {
    expect(paths("    - match: [{uri: {regex: '('}, headers: {'bad name': {exact: a}}}]")).toEqual(
      expect.arrayContaining([expect.stringMatching(/^spec\.http\[0\]\.match\[0\]\.uri\.regex: invalid regex/), 'spec.http[0].match[0].headers["bad name"]: invalid header name "bad name"; use letters, digits, "-" and "_"', "spec.http[0].route: add at least one destination"]),
    );
  });

  it("needs a name and hosts", () => {
    const got = virtualServiceProblems(parse("kind: VirtualService\nmetadata: {name: ''}\nspec: {hosts: []}")).map((p) => `${p.path}: ${p.message}`);
    expect(got).toEqual(["metadata.name: required", "spec.hosts: at least one host is required"]);
  });
});
