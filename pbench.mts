import { create } from "@bufbuild/protobuf";
import { CheckRule_Action, PolicyFilterSchema } from "./proto/gen/meshdash/policy/v1/policy_pb";
import { compilePolicy } from "./proxy-engine/policy/compile-policy";
import { runCheck, runQuotas } from "./proxy-engine/policy/evaluate-policy";
import { createPolicyRuntime } from "./proxy-engine/policy/policy-runtime";
import { requestAttributes, finishAttributes } from "./proxy-engine/policy/attributes";
import { serviceOfCluster } from "./proxy-engine/policy/destination-service";
import { workloadOf, UNKNOWN_WORKLOAD } from "./proxy-engine/policy/workload";
import { matchInputOf } from "./proxy-engine/http/downstream";
import { createIstioMetrics } from "./proxy-engine/policy/istio-metrics";
import { createJsonAccessLog } from "./proxy-engine/policy/json-access-log";
const rt = createPolicyRuntime({ proxyId: "p", adapters: [{ name: "x", report() {} }] });
const p = compilePolicy(create(PolicyFilterSchema, {
  checkRules: [{ name: "a", match: 'request.path.startsWith("/admin")', action: CheckRule_Action.DENY }, { name: "b", match: 'request.method == "GET" || request.method == "HEAD"', action: CheckRule_Action.ALLOW }],
  quotas: [{ name: "q", dimensions: { user: '"x-user" in request.headers ? request.headers["x-user"] : "anonymous"' }, maxAmount: 1e9, validDuration: { seconds: 60n } }], report: true }), "f", rt);
const req: any = { url: "/bench", method: "GET", httpVersion: "1.1", headers: { host: "127.0.0.1:8080", "user-agent": "wrk" }, socket: { remoteAddress: "127.0.0.1", remotePort: 5, localAddress: "127.0.0.1", localPort: 6 } };
const s: any = { req, startedAt: performance.now(), status: 200, responseBytes: 64, responseFlags: "", responseHeaders: { "content-length": "64" } };
const peers = { reporter: "source" as const, source: workloadOf("router~127.0.0.1~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local"), destination: UNKNOWN_WORKLOAD, service: serviceOfCluster("outbound|9080||reviews.default.svc.cluster.local") };
const input = matchInputOf(req);
const N = 200000;
function t(name: string, fn: () => void) { for (let i = 0; i < 20000; i++) fn(); const t0 = performance.now(); for (let i = 0; i < N; i++) fn(); console.log(name, ((performance.now() - t0) * 1000 / N).toFixed(2), "µs"); }
const a = requestAttributes(s, input, peers);
t("attributes", () => requestAttributes(s, input, peers));
t("check", () => runCheck(p, a));
t("check rule1", () => p.deny[0]!.match!(a));
t("check rule2", () => p.allow[0]!.match!(a));
t("quota", () => runQuotas(p, a, Date.now()));
t("dim", () => p.quotas[0]!.dimensions[0]!.value(a));
finishAttributes(a, s, performance.now());
const rec: any = { proxy: "p", attributes: a, startTime: 0, protocol: "HTTP/1.1", routeName: "", upstreamCluster: "c", upstreamHost: "h", forwardedFor: "", grpcStatus: "", deniedBy: "", quota: "" };
const m = createIstioMetrics(); const batch = [rec];
t("metrics", () => m.report(batch));
let n = 0; const log = createJsonAccessLog({ write: (l) => (n += l.length) });
t("jsonlog", () => log.report(batch));
