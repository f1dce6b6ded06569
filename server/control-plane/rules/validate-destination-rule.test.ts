// DestinationRule specs: Bookinfo accepted unchanged, every bad input named by path, unsupported fields warned.

import { describe, expect, it } from "vitest";
import { parseRulesYaml } from "./parse-rules-yaml";
import { BOOKINFO_DESTINATION_RULES } from "./test-fixtures";
import { validateDestinationRule } from "./validate-destination-rule";

const v1 = { name: "v1", labels: { version: "v1" } };
const withPolicy = (trafficPolicy: unknown) => ({ host: "reviews", trafficPolicy, subsets: [v1] });
const errors = (spec: unknown) => validateDestinationRule(spec).errors.map((e) => `${e.path}: ${e.message}`);

describe("validateDestinationRule: Bookinfo", () => {
  it("accepts the Bookinfo rules unchanged", () => {
    for (const doc of parseRulesYaml(BOOKINFO_DESTINATION_RULES).docs) {
      expect(validateDestinationRule(doc.spec)).toEqual({ value: doc.spec, errors: [], warnings: [] });
    }
  });

  it("keeps consistent hashing, connection pools, outlier detection and per-subset policies", () => {
    const reviews = validateDestinationRule(parseRulesYaml(BOOKINFO_DESTINATION_RULES).docs[1]!.spec).value!;
    expect(reviews.trafficPolicy).toEqual({
      loadBalancer: { consistentHash: { httpHeaderName: "x-user" } },
      connectionPool: { tcp: { maxConnections: 100, connectTimeout: "30ms" }, http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 1 } },
      outlierDetection: { consecutive5xxErrors: 7, interval: "5m", baseEjectionTime: "15m", maxEjectionPercent: 50 },
    });
    expect(reviews.subsets![2]).toEqual({ name: "v3", labels: { version: "v3" }, trafficPolicy: { loadBalancer: { simple: "ROUND_ROBIN" } } });
  });

  it("accepts every consistent-hash key and algorithm", () => {
    for (const consistentHash of [
      { httpCookie: { name: "user", path: "/", ttl: "0s" }, ringHash: { minimumRingSize: 1024 } },
      { useSourceIp: true, maglev: { tableSize: 65537 } },
      { httpQueryParameterName: "user" },
    ]) {
      expect(errors(withPolicy({ loadBalancer: { consistentHash } }))).toEqual([]);
    }
  });
});

describe("validateDestinationRule: errors", () => {
  it("checks host and subsets", () => {
    expect(errors({ subsets: [v1] })).toEqual(["spec.host: required"]);
    expect(errors({ host: "*.example.com" })).toEqual(["spec.host: must name one service; wildcards are not supported here"]);
    expect(errors({ host: "reviews", subsets: [v1, { name: "v1", labels: { version: "v2" } }] })).toEqual(['spec.subsets[1].name: duplicate subset name "v1" (also subsets[0])']);
    expect(errors({ host: "reviews", subsets: [{ name: "v1", labels: {} }] })).toEqual(["spec.subsets[0].labels: at least one label is required (a subset selects workloads by label)"]);
    expect(errors({ host: "reviews", subsets: [{ name: "v1" }] })).toEqual(["spec.subsets[0].labels: required"]);
    expect(errors({ host: "reviews", subsets: [{ name: "V_1", labels: { version: "v1" } }] })).toEqual(['spec.subsets[0].name: invalid subset name "V_1"; use lowercase letters, digits and "-" (a DNS label)']);
    expect(errors({ host: "reviews", subsets: [{ name: "v1", labels: { "bad key!": "x", version: "not ok!" } }] })).toEqual([
      'spec.subsets[0].labels["bad key!"]: invalid label key "bad key!"',
      'spec.subsets[0].labels.version: invalid label value "not ok!"',
    ]);
  });

  it("requires exactly one of simple or consistentHash, and exactly one hash key", () => {
    expect(errors(withPolicy({ loadBalancer: { simple: "RANDOM", consistentHash: { useSourceIp: true } } }))).toEqual([
      "spec.trafficPolicy.loadBalancer: set exactly one of simple or consistentHash (found simple and consistentHash)",
    ]);
    expect(errors(withPolicy({ loadBalancer: {} }))).toEqual(["spec.trafficPolicy.loadBalancer: set exactly one of simple or consistentHash (found none)"]);
    expect(errors(withPolicy({ loadBalancer: { simple: "FASTEST" } }))).toEqual([
      'spec.trafficPolicy.loadBalancer.simple: must be one of UNSPECIFIED, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST; got "FASTEST"',
    ]);
    const hash = (consistentHash: object) => errors(withPolicy({ loadBalancer: { consistentHash } }));
    expect(hash({})).toEqual(["spec.trafficPolicy.loadBalancer.consistentHash: set exactly one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName (found none)"]);
    expect(hash({ httpHeaderName: "x", useSourceIp: true })).toEqual([
      "spec.trafficPolicy.loadBalancer.consistentHash: set exactly one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName (found httpHeaderName and useSourceIp)",
    ]);
    expect(hash({ useSourceIp: false })).toEqual(["spec.trafficPolicy.loadBalancer.consistentHash.useSourceIp: must be true when set (it selects the client IP as the hash key)"]);
    expect(hash({ httpCookie: { path: "/" } })).toEqual(["spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: required"]);
    expect(hash({ httpHeaderName: "x", ringHash: {}, maglev: { tableSize: 65537 } })).toEqual([
      "spec.trafficPolicy.loadBalancer.consistentHash: set at most one of ringHash or maglev (found ringHash and maglev)",
    ]);
    expect(hash({ httpHeaderName: "x", maglev: { tableSize: 65536 } })).toEqual(["spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: must be a prime number below 5000011, e.g. 65537"]);
  });

  it("maps deprecated load-balancer forms, with warnings", () => {
    const r = validateDestinationRule(withPolicy({ loadBalancer: { simple: "LEAST_CONN" } }));
    expect(r.value!.trafficPolicy).toEqual({ loadBalancer: { simple: "LEAST_REQUEST" } });
    expect(r.warnings).toEqual([{ path: "spec.trafficPolicy.loadBalancer.simple", message: "LEAST_CONN is deprecated; treated as LEAST_REQUEST" }]);
    const ring = validateDestinationRule(withPolicy({ loadBalancer: { consistentHash: { httpHeaderName: "x", minimumRingSize: 64 } } }));
    expect(ring.value!.trafficPolicy!.loadBalancer).toEqual({ consistentHash: { httpHeaderName: "x", ringHash: { minimumRingSize: 64 } } });
    expect(ring.warnings).toEqual([{ path: "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize", message: "deprecated; treated as ringHash.minimumRingSize" }]);
  });

  it("checks outlier detection and connection pools", () => {
    expect(errors(withPolicy({ outlierDetection: { maxEjectionPercent: 101, minHealthPercent: -1, consecutive5xxErrors: -1, interval: "0s" } }))).toEqual([
      "spec.trafficPolicy.outlierDetection.consecutive5xxErrors: must be a non-negative integer",
      "spec.trafficPolicy.outlierDetection.interval: must be at least 1ms",
      "spec.trafficPolicy.outlierDetection.maxEjectionPercent: must be a percentage from 0 to 100",
      "spec.trafficPolicy.outlierDetection.minHealthPercent: must be a percentage from 0 to 100",
    ]);
    expect(errors(withPolicy({ connectionPool: { tcp: { maxConnections: 0 }, http: { http2MaxRequests: 1.5, maxRetries: -3 } } }))).toEqual([
      "spec.trafficPolicy.connectionPool.tcp.maxConnections: must be a positive integer",
      "spec.trafficPolicy.connectionPool.http.http2MaxRequests: must be a positive integer",
      "spec.trafficPolicy.connectionPool.http.maxRetries: must be a positive integer",
    ]);
    expect(errors(withPolicy({ connectionPool: {} }))).toEqual(["spec.trafficPolicy.connectionPool: set at least one of tcp or http"]);
    expect(errors(withPolicy({}))).toEqual(["spec.trafficPolicy: set at least one of loadBalancer, connectionPool or outlierDetection"]);
    expect(errors(withPolicy({ connectionPool: { tcp: { connectTimeout: "fast" } } }))).toEqual([
      'spec.trafficPolicy.connectionPool.tcp.connectTimeout: invalid duration "fast"; use a number with a unit, e.g. "1s", "1.5s", "250ms", "1m"',
    ]);
  });

  it("reports typos as errors", () => {
    expect(errors(withPolicy({ loadBalancer: { simpel: "RANDOM" } }))).toEqual([
      'spec.trafficPolicy.loadBalancer.simpel: unknown field; did you mean "simple"?',
      "spec.trafficPolicy.loadBalancer: set exactly one of simple or consistentHash (found none)",
    ]);
    expect(errors({ host: "reviews", subset: [v1] })).toEqual(['spec.subset: unknown field; did you mean "subsets"?']);
  });
});

describe("validateDestinationRule: unsupported Istio fields", () => {
  it("warns, strips them, and drops policies they leave empty", () => {
    const r = validateDestinationRule({
      host: "reviews",
      exportTo: ["."],
      workloadSelector: { matchLabels: { app: "x" } },
      trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" }, portLevelSettings: [{ port: { number: 9080 } }] },
      subsets: [{ ...v1, trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: true } }, connectionPool: { tcp: { tcpKeepalive: { time: "1s" } } } } }],
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "spec.trafficPolicy.tls: not supported by meshdash; ignored",
      "spec.trafficPolicy.portLevelSettings: not supported by meshdash; ignored",
      "spec.subsets[0].trafficPolicy.loadBalancer.localityLbSetting: not supported by meshdash; ignored",
      "spec.subsets[0].trafficPolicy.connectionPool.tcp.tcpKeepalive: not supported by meshdash; ignored",
      "spec.exportTo: not supported by meshdash; ignored",
      "spec.workloadSelector: not supported by meshdash; ignored",
    ]);
    expect(r.value).toEqual({ host: "reviews", subsets: [v1] });
  });
});
