// VirtualService specs: Bookinfo accepted unchanged, every bad input named by path, unsupported fields warned.

import { describe, expect, it } from "vitest";
import { parseRulesYaml } from "./parse-rules-yaml";
import { BOOKINFO_VIRTUAL_SERVICES } from "./test-fixtures";
import { validateVirtualService } from "./validate-virtual-service";

const dest = (host: string, extra: object = {}) => ({ destination: { host, ...extra } });
const base = () => ({ hosts: ["reviews"], http: [{ route: [dest("reviews")] }] as Record<string, unknown>[] });
/** A spec whose first http route has `route` fields merged in. */
const withRoute = (fields: object) => ({ hosts: ["reviews"], http: [{ route: [dest("reviews")], ...fields }] });
const check = (spec: unknown) => validateVirtualService(spec, { namespace: "default" });
const errors = (spec: unknown) => check(spec).errors.map((e) => `${e.path}: ${e.message}`);
const warnings = (spec: unknown) => check(spec).warnings.map((e) => `${e.path}: ${e.message}`);

describe("validateVirtualService: Bookinfo", () => {
  it("accepts the Bookinfo rules unchanged and returns them typed", () => {
    for (const doc of parseRulesYaml(BOOKINFO_VIRTUAL_SERVICES).docs) {
      const r = check(doc.spec);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
      expect(r.value).toEqual(doc.spec);
    }
  });

  it("keeps weights, subsets, retries, timeouts, faults, rewrites and header operations", () => {
    const [reviews, ratings, details] = parseRulesYaml(BOOKINFO_VIRTUAL_SERVICES).docs.map((d) => check(d.spec).value!);
    expect(reviews!.http![1]).toEqual({
      route: [
        { destination: { host: "reviews", subset: "v1" }, weight: 50 },
        { destination: { host: "reviews", subset: "v3" }, weight: 50 },
      ],
      retries: { attempts: 3, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure,refused-stream" },
      timeout: "10s",
    });
    expect(ratings!.http![0]!.fault).toEqual({ delay: { percentage: { value: 100 }, fixedDelay: "7s" }, abort: { percentage: { value: 10 }, httpStatus: 500 } });
    expect(details!.http![0]!.rewrite).toEqual({ uri: "/details" });
    expect(details!.http![0]!.headers).toEqual({ request: { set: { "x-api-version": "2" }, add: { "x-via": "meshdash" }, remove: ["x-debug"] }, response: { remove: ["server"] } });
    expect(details!.http![0]!.route![0]!.headers).toEqual({ response: { set: { "x-served-by": "details-v2" } } });
  });

  it("accepts redirects, direct responses and every match kind", () => {
    const spec = {
      hosts: ["reviews", "reviews.prod"],
      http: [
        { match: [{ uri: { prefix: "/old" }, method: { exact: "GET" }, ignoreUriCase: true }], redirect: { uri: "/new", redirectCode: 308 } },
        { match: [{ queryParams: { v: { regex: "[0-9]+" } }, withoutHeaders: { "x-canary": { exact: "1" } }, authority: { exact: "a" }, scheme: { exact: "http" } }], directResponse: { status: 503, body: { string: "down" } } },
        { name: "default", route: [dest("reviews")], rewrite: { uriRegexRewrite: { match: "^/v1/(.*)$", rewrite: "/\\1" }, authority: "r" } },
      ],
    };
    expect(check(spec)).toEqual({ value: spec, errors: [], warnings: [] });
  });

  it("treats null fields as absent, as Kubernetes does", () => {
    expect(check({ ...base(), gateways: null, http: [{ route: [dest("reviews")], timeout: null }] })).toEqual({ value: base(), errors: [], warnings: [] });
  });
});

describe("validateVirtualService: errors name the exact field", () => {
  it("requires hosts and http routes", () => {
    expect(errors({ http: base().http })).toEqual(["spec.hosts: required"]);
    expect(errors({ hosts: [], http: base().http })).toEqual(["spec.hosts: at least one host is required"]);
    expect(errors({ hosts: ["reviews"] })).toEqual(["spec.http: at least one http route is required (meshdash routes HTTP only)"]);
    expect(errors({ hosts: ["re views"], http: base().http })).toEqual(['spec.hosts[0]: invalid host "re views"; use a service name such as "reviews", a FQDN, or a wildcard such as "*.example.com"']);
    expect(errors([])).toEqual(["spec: expected a mapping, got a list"]);
  });

  it("checks StringMatch: exactly one of exact, prefix, regex; regexes compile and are safe", () => {
    const match = (m: object) => withRoute({ match: [{ uri: m }] });
    expect(errors(match({}))).toEqual(["spec.http[0].match[0].uri: set exactly one of exact, prefix or regex (found none)"]);
    expect(errors(match({ exact: "/a", prefix: "/b" }))).toEqual(["spec.http[0].match[0].uri: set exactly one of exact, prefix or regex (found exact and prefix)"]);
    expect(errors(match({ regex: "(a)\\1" }))).toEqual([expect.stringMatching(/^spec\.http\[0\]\.match\[0\]\.uri\.regex: invalid regex "\(a\)\\\\1": /)]);
    expect(errors(match({ regex: "(a+)+" }))).toEqual([]); // RE2 runs it in linear time
    expect(errors(match({ regex: "[a-" }))).toEqual([expect.stringMatching(/^spec\.http\[0\]\.match\[0\]\.uri\.regex: invalid regex "\[a-": /)]);
    expect(errors(match({ regex: "" }))).toEqual(["spec.http[0].match[0].uri.regex: must not be empty"]);
    expect(errors(match({ prefix: "" }))).toEqual(["spec.http[0].match[0].uri.prefix: must not be empty"]);
    expect(errors(withRoute({ match: [{ headers: { "end-user": { regex: "(?=x)" } } }] }))).toEqual(['spec.http[0].match[0].headers["end-user"].regex: invalid regex "(?=x)": error parsing regexp: invalid or unsupported Perl syntax: `(?=`']);
    expect(errors(withRoute({ match: [{ headers: { "bad header": { exact: "x" } } }] }))).toEqual(['spec.http[0].match[0].headers["bad header"]: invalid header name "bad header"; use letters, digits, "-" and "_"']);
    expect(errors(withRoute({ match: [{ withoutHeaders: { "x-canary": {} } }] }))).toEqual([
      'spec.http[0].match[0].withoutHeaders["x-canary"]: set exactly one of exact, prefix or regex (found none; matching on presence alone ({}) is not supported by meshdash)',
    ]);
    expect(errors(withRoute({ match: [{ queryParams: { v: { prefix: "1" } } }] }))).toEqual(["spec.http[0].match[0].queryParams.v.prefix: prefix is not supported for query parameters (Istio matches them by exact or regex only)"]);
  });

  it("checks destinations, weights and ports", () => {
    const two = (w1: unknown, w2: unknown) => withRoute({ route: [{ ...dest("reviews", { subset: "v1" }), weight: w1 }, { ...dest("reviews", { subset: "v2" }), weight: w2 }] });
    expect(errors(two(50, 50))).toEqual([]);
    expect(errors(two(50, 40))).toEqual(["spec.http[0].route: weights must sum to 100 when a route has several destinations; they sum to 90"]);
    expect(errors(two(100, undefined))).toEqual([]);
    expect(errors(two(50, 50.5))).toEqual(["spec.http[0].route[1].weight: must be an integer from 0 to 100"]);
    expect(errors(two(-1, 101))).toEqual(["spec.http[0].route[0].weight: must be an integer from 0 to 100", "spec.http[0].route[1].weight: must be an integer from 0 to 100"]);
    expect(errors(two("50", 50))).toEqual(['spec.http[0].route[0].weight: expected a number, got "50"']);
    expect(errors(withRoute({ route: [{ ...dest("reviews"), weight: 30 }] }))).toEqual([]);
    expect(errors(withRoute({ route: [] }))).toEqual(["spec.http[0].route: at least one destination is required"]);
    expect(errors(withRoute({ route: [{ destination: {} }] }))).toEqual(["spec.http[0].route[0].destination.host: required"]);
    expect(errors(withRoute({ route: [{ weight: 100 }] }))).toEqual(["spec.http[0].route[0].destination: required"]);
    expect(errors(withRoute({ route: [dest("*.default.svc.cluster.local")] }))).toEqual(["spec.http[0].route[0].destination.host: must name one service; wildcards are not supported here"]);
    expect(errors(withRoute({ route: [dest("reviews", { port: { number: 0 } })] }))).toEqual(["spec.http[0].route[0].destination.port.number: must be a port number from 1 to 65535"]);
    expect(errors(withRoute({ route: [dest("reviews", { port: { number: 65536 } })] }))).toEqual(["spec.http[0].route[0].destination.port.number: must be a port number from 1 to 65535"]);
    expect(errors(withRoute({ route: [dest("reviews", { subset: "V1" })] }))).toEqual(['spec.http[0].route[0].destination.subset: invalid subset name "V1"; use lowercase letters, digits and "-" (a DNS label)']);
  });

  it("requires exactly one of route, redirect or directResponse", () => {
    const only = (fields: object) => ({ hosts: ["reviews"], http: [fields] });
    expect(errors(only({}))).toEqual(["spec.http[0]: set exactly one of route, redirect or directResponse (found none)"]);
    expect(errors(only({ route: [dest("reviews")], redirect: { uri: "/x" } }))).toEqual(["spec.http[0]: set exactly one of route, redirect or directResponse (found route and redirect)"]);
    expect(errors(only({ redirect: { uri: "/x" }, rewrite: { uri: "/y" } }))).toEqual(["spec.http[0].rewrite: rewrite cannot be combined with redirect"]);
    expect(errors(only({ directResponse: { status: 200 }, fault: { abort: { httpStatus: 500 } } }))).toEqual(["spec.http[0].fault: fault cannot be combined with directResponse"]);
    expect(errors(only({ redirect: {} }))).toEqual(["spec.http[0].redirect: set at least one of uri or authority"]);
    expect(errors(only({ redirect: { uri: "/x", redirectCode: 305 } }))).toEqual(["spec.http[0].redirect.redirectCode: must be one of 301, 302, 303, 307, 308"]);
    expect(errors(only({ directResponse: { status: 99 } }))).toEqual(["spec.http[0].directResponse.status: must be an HTTP status from 200 to 599"]);
    expect(errors(only({ directResponse: { body: { string: "x" } } }))).toEqual(["spec.http[0].directResponse.status: required"]);
  });

  it("checks rewrites", () => {
    expect(errors(withRoute({ rewrite: {} }))).toEqual(["spec.http[0].rewrite: set at least one of uri, uriRegexRewrite or authority"]);
    expect(errors(withRoute({ rewrite: { uri: "/a", uriRegexRewrite: { match: "a", rewrite: "b" } } }))).toEqual(["spec.http[0].rewrite: set at most one of uri or uriRegexRewrite (found uri and uriRegexRewrite)"]);
    expect(errors(withRoute({ rewrite: { uriRegexRewrite: { match: "(a)\\1", rewrite: "b" } } }))).toEqual([expect.stringMatching(/^spec\.http\[0\]\.rewrite\.uriRegexRewrite\.match: invalid regex/)]);
    expect(errors(withRoute({ rewrite: { authority: "a" }, headers: { request: { set: { host: "b" } } } }))).toEqual(["spec.http[0].headers.request.set.host: the authority is already set by rewrite.authority; set it in one place only"]);
  });

  it("checks durations in Istio's format", () => {
    expect(errors(withRoute({ timeout: "10" }))).toEqual(['spec.http[0].timeout: invalid duration "10"; use a number with a unit, e.g. "1s", "1.5s", "250ms", "1m"']);
    expect(errors(withRoute({ timeout: 10 }))).toEqual(['spec.http[0].timeout: expected a duration such as "1s" or "250ms", got 10']);
    expect(errors(withRoute({ timeout: "0s" }))).toEqual(["spec.http[0].timeout: must be at least 1ms"]);
    expect(errors(withRoute({ timeout: "1m30s" }))).toEqual([]);
    expect(errors(withRoute({ retries: { attempts: 2, perTryTimeout: "1.5ms" } }))).toEqual(["spec.http[0].retries.perTryTimeout: only millisecond precision is supported"]);
  });

  it("checks retries", () => {
    expect(errors(withRoute({ retries: { attempts: -1 } }))).toEqual(["spec.http[0].retries.attempts: must be a non-negative integer"]);
    expect(errors(withRoute({ retries: { perTryTimeout: "1s" } }))).toEqual(["spec.http[0].retries.attempts: required"]);
    expect(errors(withRoute({ retries: { attempts: 0, perTryTimeout: "1s" } }))).toEqual(["spec.http[0].retries.attempts: retries are disabled when attempts is 0; remove perTryTimeout and retryOn or set attempts"]);
    expect(errors(withRoute({ retries: { attempts: 0 } }))).toEqual([]);
    expect(errors(withRoute({ retries: { attempts: 1, retryOn: "5xx, reset" } }))).toEqual([
      'spec.http[0].retries.retryOn: " reset" is not a retryOn policy (remove the spaces); use 5xx, gateway-error, reset, reset-before-request, connect-failure, … or an HTTP status code',
    ]);
    expect(errors(withRoute({ retries: { attempts: 1, retryOn: "5xx,bogus" } }))).toEqual([
      'spec.http[0].retries.retryOn: "bogus" is not a retryOn policy; use 5xx, gateway-error, reset, reset-before-request, connect-failure, … or an HTTP status code',
    ]);
  });

  it("drops retryOn policies the proxy engine lacks, with a warning", () => {
    const r = check(withRoute({ retries: { attempts: 1, retryOn: "5xx,retriable-headers,unavailable,503" } }));
    expect(r.warnings.map((e) => `${e.path}: ${e.message}`)).toEqual(['spec.http[0].retries.retryOn: "retriable-headers" is not supported by meshdash; ignored']);
    expect(r.value!.http![0]!.retries).toEqual({ attempts: 1, retryOn: "5xx,unavailable,503" });
    expect(check(withRoute({ retries: { attempts: 1, retryOn: "http3-post-connect-failure" } })).value!.http![0]!.retries).toEqual({ attempts: 1 });
  });

  it("checks fault injection", () => {
    expect(errors(withRoute({ fault: {} }))).toEqual(["spec.http[0].fault: set delay, abort or both"]);
    expect(errors(withRoute({ fault: { delay: { fixedDelay: "5s", percentage: { value: 150 } } } }))).toEqual(["spec.http[0].fault.delay.percentage.value: must be a percentage from 0 to 100"]);
    expect(errors(withRoute({ fault: { delay: { percentage: { value: 5 } } } }))).toEqual(["spec.http[0].fault.delay.fixedDelay: required"]);
    expect(errors(withRoute({ fault: { abort: { httpStatus: 600 } } }))).toEqual(["spec.http[0].fault.abort.httpStatus: must be an HTTP status from 200 to 599"]);
    expect(errors(withRoute({ fault: { abort: { httpStatus: 199, percentage: { value: -1 } } } }))).toEqual([
      "spec.http[0].fault.abort.httpStatus: must be an HTTP status from 200 to 599",
      "spec.http[0].fault.abort.percentage.value: must be a percentage from 0 to 100",
    ]);
  });

  it("maps the deprecated fault.delay.percent to percentage, with a warning", () => {
    const r = check(withRoute({ fault: { delay: { fixedDelay: "1s", percent: 50 } } }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([{ path: "spec.http[0].fault.delay.percent", message: "deprecated; treated as percentage: {value: 50}" }]);
    expect(r.value!.http![0]!.fault).toEqual({ delay: { fixedDelay: "1s", percentage: { value: 50 } } });
    expect(errors(withRoute({ fault: { delay: { fixedDelay: "1s", percent: 5, percentage: { value: 5 } } } }))).toEqual(["spec.http[0].fault.delay.percent: set only percentage (percent is its deprecated integer form)"]);
  });

  it("checks header operations like Istio", () => {
    expect(errors(withRoute({ headers: { response: { set: { host: "x" } } } }))).toEqual(['spec.http[0].headers.response.set.host: invalid header "host": cannot set the Host header here']);
    expect(errors(withRoute({ headers: { request: { remove: [":path"] } } }))).toEqual(['spec.http[0].headers.request.remove[0]: invalid header ":path": pseudo-headers (":" prefix) cannot be changed']);
    expect(errors(withRoute({ headers: { request: { add: { "x-a": "a\nb" } } } }))).toEqual(['spec.http[0].headers.request.add["x-a"]: header values must not contain control characters']);
    expect(errors(withRoute({ headers: { request: { set: { "x-a": 1 } } } }))).toEqual(['spec.http[0].headers.request.set["x-a"]: expected a string, got 1']);
  });

  it("refuses the wildcard host for mesh rules but allows it on a gateway; checks gateway names", () => {
    expect(errors({ ...base(), hosts: ["*"] })).toEqual(['spec.hosts[0]: the wildcard host "*" is not allowed for rules bound to the mesh; bind the rule to a gateway or name the services']);
    expect(errors({ ...base(), hosts: ["*"], gateways: ["istio-system/ingressgateway"] })).toEqual([]);
    expect(errors({ ...base(), gateways: ["a/b/c"] })).toEqual(['spec.gateways[0]: invalid gateway name "a/b/c"; use "mesh", "<name>" or "<namespace>/<name>"']);
  });

  it("refuses two hosts that resolve to the same name", () => {
    expect(errors({ ...base(), hosts: ["reviews", "reviews.default.svc.cluster.local"] })).toEqual(["spec.hosts[1]: duplicate host: spec.hosts[0] already names reviews.default.svc.cluster.local"]);
  });

  it("reports typos as unknown fields, suggesting the closest Istio field", () => {
    expect(errors({ ...base(), http: [{ rout: [dest("reviews")] }] })).toEqual([
      'spec.http[0].rout: unknown field; did you mean "route"?',
      "spec.http[0]: set exactly one of route, redirect or directResponse (found none)",
    ]);
    expect(errors(withRoute({ retires: { attempts: 1 } }))).toEqual(['spec.http[0].retires: unknown field; did you mean "retries"?']);
    expect(errors({ ...base(), hostz: ["x"] })).toEqual(['spec.hostz: unknown field; did you mean "hosts"?']);
    expect(errors(withRoute({ route: [{ destination: { host: "reviews", version: "v1" } }] }))).toEqual(["spec.http[0].route[0].destination.version: unknown field"]);
    expect(errors(JSON.parse('{"hosts":["r"],"http":[{"route":[{"destination":{"host":"r"}}]}],"__proto__":{"x":1}}'))).toEqual(['spec.__proto__: unknown field']);
  });

  it("rejects match conditions it cannot honour, since ignoring them would widen the match", () => {
    expect(errors(withRoute({ match: [{ sourceLabels: { app: "productpage" } }] }))).toEqual([
      "spec.http[0].match[0].sourceLabels: not supported by meshdash; ignoring it would widen this match, so the rule is rejected",
    ]);
  });
});

describe("validateVirtualService: unsupported Istio fields", () => {
  it("warns about each one, with its path, and leaves it out of the result", () => {
    const spec = {
      hosts: ["reviews"],
      exportTo: ["."],
      tcp: [{ route: [dest("reviews")] }],
      tls: [],
      http: [{ route: [dest("reviews")], mirror: { host: "reviews", subset: "v2" }, mirrorPercentage: { value: 5 }, corsPolicy: { allowOrigins: [{ exact: "*" }] }, match: [{ uri: { prefix: "/" }, statPrefix: "x" }] }],
    };
    const r = check(spec);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "spec.http[0].match[0].statPrefix: not supported by meshdash; ignored",
      "spec.http[0].mirror: not supported by meshdash; ignored",
      "spec.http[0].mirrorPercentage: not supported by meshdash; ignored",
      "spec.http[0].corsPolicy: not supported by meshdash; ignored",
      "spec.exportTo: not supported by meshdash; ignored",
      "spec.tcp: not supported by meshdash; ignored",
      "spec.tls: not supported by meshdash; ignored",
    ]);
    expect(r.value).toEqual({ hosts: ["reviews"], http: [{ route: [dest("reviews")], match: [{ uri: { prefix: "/" } }] }] });
  });

  it("still reports warnings alongside errors", () => {
    expect(warnings(withRoute({ mirror: { host: "x" }, timeout: "x" }))).toEqual(["spec.http[0].mirror: not supported by meshdash; ignored"]);
  });

  it("warns about routes after a catch-all", () => {
    expect(warnings({ hosts: ["reviews"], http: [{ route: [dest("reviews")] }, { match: [{ uri: { prefix: "/a" } }], route: [dest("reviews")] }] })).toEqual([
      "spec.http[1]: unreachable: http[0] has no match conditions and takes every request first",
    ]);
  });
});
