// DestinationRule form ↔ Istio object and its client-side schema.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { destinationRuleFromIstio, destinationRulePaths, destinationRuleToIstio, newDestinationRule, type DestinationRuleForm } from "./destination-rule-form";
import { destinationRuleProblems } from "./destination-rule-schema";
import { ruleToYaml } from "./rule-yaml";

const RATINGS = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
  namespace: default
spec:
  host: ratings
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
      http:
        http1MaxPendingRequests: 64
        maxRetries: 10
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
      maxEjectionPercent: 50
`;

const STICKY = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie:
          name: session
          ttl: 0s
        ringHash:
          minimumRingSize: 1024
  subsets:
    - name: v1
      labels:
        version: v1
    - name: v2
      labels:
        version: v2
        track: canary
      trafficPolicy:
        loadBalancer:
          simple: RANDOM
`;

function form(yaml: string): DestinationRuleForm {
  const r = destinationRuleFromIstio(parse(yaml));
  if (!("form" in r)) throw new Error(r.problem);
  return r.form;
}

describe("DestinationRule form", () => {
  it("round-trips circuit breakers, outlier detection, consistent hash and subsets (with what it does not edit)", () => {
    for (const yaml of [RATINGS, STICKY]) expect(ruleToYaml(destinationRuleToIstio(form(yaml)))).toBe(ruleToYaml(parse(yaml)));
  });

  it("switches the load balancer and writes numbers", () => {
    const f = form(RATINGS);
    f.policy.lb = "consistentHash";
    f.policy.hashKey = "header";
    f.policy.headerName = "x-user";
    f.policy.tcp.maxConnections = "7";
    const out = destinationRuleToIstio(f) as { spec: { trafficPolicy: Record<string, Record<string, unknown>> } };
    expect(out.spec.trafficPolicy.loadBalancer).toEqual({ consistentHash: { httpHeaderName: "x-user" } });
    expect(out.spec.trafficPolicy.connectionPool).toEqual({ tcp: { maxConnections: 7 }, http: { http1MaxPendingRequests: 64, maxRetries: 10 } });
    f.policy.lb = "simple";
    f.policy.simple = "LEAST_REQUEST";
    expect((destinationRuleToIstio(f) as { spec: { trafficPolicy: Record<string, unknown> } }).spec.trafficPolicy.loadBalancer).toEqual({ simple: "LEAST_REQUEST" });
  });

  it("leaves trafficPolicy out when nothing is set", () => {
    const f = newDestinationRule();
    f.name = "details";
    f.host = "details";
    expect(destinationRuleToIstio(f)).toEqual({ apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "details", namespace: "default" }, spec: { host: "details" } });
  });

  it("validates as the user types, at the server's paths", () => {
    const f = form(STICKY);
    f.policy.cookieName = "";
    f.policy.outlier.maxEjectionPercent = "150";
    f.policy.tcp.connectTimeout = "soon";
    f.subsets[1]!.name = "v1";
    f.subsets.push({ id: "x", name: "v3", labels: [], extra: {} });
    const got = destinationRuleProblems(destinationRuleToIstio(f)).map((p) => `${p.path}: ${p.message}`);
    expect(got).toEqual(
      expect.arrayContaining([
        "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: required",
        "spec.trafficPolicy.outlierDetection.maxEjectionPercent: must be a percentage from 0 to 100",
        expect.stringContaining("spec.trafficPolicy.connectionPool.tcp.connectTimeout: invalid duration"),
        'spec.subsets[1].name: duplicate subset name "v1" (also subset 1)',
        "spec.subsets[2].labels: at least one label is required (a subset selects workloads by label)",
      ]),
    );
    const paths = destinationRulePaths(f);
    expect(paths.has("spec.subsets[1].name")).toBe(true);
    expect(paths.has("spec.trafficPolicy.outlierDetection.maxEjectionPercent")).toBe(true);
    expect(paths.has("spec.subsets[0].labels.version")).toBe(true);
  });

  it("accepts the demo rules", () => {
    expect(destinationRuleProblems(parse(RATINGS))).toEqual([]);
    expect(destinationRuleProblems(parse(STICKY))).toEqual([]);
  });
});
