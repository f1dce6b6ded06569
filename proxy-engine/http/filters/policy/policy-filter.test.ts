// The policy filter through real proxies on loopback: check (403 UAEX), quota (429 RL, Retry-After, one
// bucket per user), report to Istio metrics and a JSON access log, a throwing adapter, counts across a
// config swap, and metadata exchange between two chained sidecars.

import http from "node:http";
import { describe, expect, it, vi } from "vitest";
import { resourcesFromBootstrap } from "../../../config/resources";
import { createIstioMetrics } from "../../../policy/istio-metrics";
import { createJsonAccessLog } from "../../../policy/json-access-log";
import { toProxyPolicyStatus } from "../../../policy/policy-status";
import type { ReportAdapter, ReportRecord } from "../../../policy/report";
import { createProxy, type Proxy } from "../../../proxy";
import { cleanupAfterEach } from "../../../test-util/cleanup";
import { singleListenerBootstrap, staticClusterJson, startUpstream } from "../../../test-util/upstream";
import { PEER_METADATA_HEADER } from "./policy-filter";

const cleanup = cleanupAfterEach();

const POLICY = "type.googleapis.com/meshdash.policy.v1.PolicyFilter";
const GATEWAY_ID = "router~127.0.0.1~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local";
const WEB = "outbound|80||web.default.svc.cluster.local";

function policyFilter(cfg: object): object {
  return { name: "meshdash.filters.http.policy", typed_config: { "@type": POLICY, ...cfg } };
}

const STANDARD = {
  check_rules: [{ name: "default/no-admin", match: 'request.path.startsWith("/admin")', action: "ACTION_DENY", reason: "admin is internal" }],
  quotas: [{ name: "default/per-user", dimensions: { user: 'request.headers["x-user"]' }, max_amount: 3, valid_duration: "60s" }],
  report: true,
};

function request(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function start(opts: { id: string; role: "sidecar" | "gateway"; cluster: string; port: number; filters: object[]; adapters?: ReportAdapter[] }): Promise<{ proxy: Proxy; base: string }> {
  const bootstrap = singleListenerBootstrap({ routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: opts.cluster } }], httpFilters: opts.filters }, [staticClusterJson(opts.cluster, [opts.port])]);
  const proxy = createProxy({ id: opts.id, role: opts.role, bootstrap, reportAdapters: opts.adapters });
  await proxy.start();
  cleanup(() => proxy.stop(100));
  return { proxy, base: `http://${proxy.listeners()[0]!.address}` };
}

describe("policy filter: check, quota and report through a gateway", () => {
  it("denies, throttles per user, and reports to metrics and the access log; a throwing adapter fails nothing", async () => {
    const up = await startUpstream("web");
    cleanup(up.close);
    const metrics = createIstioMetrics();
    const lines: string[] = [];
    const broken: ReportAdapter = {
      name: "broken",
      report() {
        throw new Error("adapter down");
      },
    };
    const { proxy, base } = await start({ id: GATEWAY_ID, role: "gateway", cluster: WEB, port: up.port, filters: [policyFilter(STANDARD)], adapters: [broken, metrics, createJsonAccessLog({ write: (l) => lines.push(l) })] });

    const denied = await request(`${base}/admin/users`, { "x-user": "alice", authorization: "Bearer s3cret" });
    expect(denied.status).toBe(403);
    expect(denied.body).toContain("RBAC: access denied");
    expect(denied.body).toContain("admin is internal");
    expect(denied.headers["x-meshdash-denied-by"]).toBe("default/no-admin");

    const alice: number[] = [];
    for (let i = 0; i < 4; i++) alice.push((await request(`${base}/api`, { "x-user": "alice" })).status);
    expect(alice).toEqual([200, 200, 200, 429]);
    const throttled = await request(`${base}/api`, { "x-user": "alice" });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThanOrEqual(59);
    expect(Number(throttled.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(throttled.headers["x-meshdash-quota"]).toBe("default/per-user");
    expect((await request(`${base}/api`, { "x-user": "bob" })).status).toBe(200);
    expect(up.requests.length).toBe(4);
    // The gateway is the client side: it tells the upstream who it is.
    expect(up.requests[0]!.headers[PEER_METADATA_HEADER]).toBe(GATEWAY_ID);

    await vi.waitFor(() => expect(lines.length).toBe(7));
    const log = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const deniedLine = log.find((l) => l.path === "/admin/users")!;
    expect(deniedLine).toMatchObject({ response_code: 403, response_flags: "UAEX", denied_by: "default/no-admin", source_workload: "istio-ingressgateway", destination_service: "web.default.svc.cluster.local", reporter: "source" });
    expect(lines.join("")).not.toContain("s3cret");
    expect(log.filter((l) => l.response_flags === "RL").map((l) => l.quota)).toEqual(["default/per-user", "default/per-user"]);
    expect(log.filter((l) => l.response_code === 200).every((l) => l.upstream_cluster === WEB && typeof l.request_id === "string")).toBe(true);

    const text = metrics.render();
    const labels = 'reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system",source_app="istio-ingressgateway",source_version="unknown",destination_workload="unknown",destination_workload_namespace="unknown",destination_app="unknown",destination_version="unknown",destination_service="web.default.svc.cluster.local",destination_service_name="web",destination_service_namespace="default",request_protocol="http"';
    expect(text).toContain(`istio_requests_total{${labels},response_code="200",grpc_response_status="",response_flags="-",connection_security_policy="none"} 4`);
    expect(text).toContain(`istio_requests_total{${labels},response_code="429",grpc_response_status="",response_flags="RL",connection_security_policy="none"} 2`);
    expect(text).toContain(`istio_requests_total{${labels},response_code="403",grpc_response_status="",response_flags="UAEX",connection_security_policy="none"} 1`);
    expect(metrics.snapshot()).toMatchObject([{ reporter: "source", destinationService: "web.default.svc.cluster.local", requests: 7, errors: 0 }]);

    const st = proxy.policyStatus();
    expect(st.checkRules).toEqual([{ name: "default/no-admin", action: 1, matched: 1, denied: 1, errors: 0 }]);
    expect(st.quotas[0]).toMatchObject({ name: "default/per-user", maxAmount: 3, validDurationMs: 60_000, allowed: 4, throttled: 2, bucketCount: 2 });
    expect(st.quotas[0]!.buckets[0]).toEqual({ key: "user=alice", tokens: 0, throttled: 2 });
    expect(st.reportErrors).toBeGreaterThanOrEqual(1);
    expect(st).toMatchObject({ denied: 1, throttled: 2 });
    expect(toProxyPolicyStatus(st).quotas[0]).toMatchObject({ throttled: 2n, bucketCount: 2, validDuration: { seconds: 60n } });
  });

  it("keeps counts and buckets across a config swap that keeps the names", async () => {
    const up = await startUpstream("web");
    cleanup(up.close);
    const { proxy, base } = await start({ id: GATEWAY_ID, role: "gateway", cluster: WEB, port: up.port, filters: [policyFilter(STANDARD)] });
    for (let i = 0; i < 3; i++) await request(`${base}/api`, { "x-user": "carol" });
    await request(`${base}/admin`);
    const next = singleListenerBootstrap({ routes: [{ name: "r2", match: { prefix: "/" }, route: { cluster: WEB } }], httpFilters: [policyFilter(STANDARD)] }, [staticClusterJson(WEB, [up.port])]);
    await proxy.applyResources(resourcesFromBootstrap(next), "v2");
    expect((await request(`${base}/api`, { "x-user": "carol" })).status).toBe(429);
    const st = proxy.policyStatus();
    expect(st.checkRules[0]).toMatchObject({ matched: 1, denied: 1 });
    expect(st.quotas[0]).toMatchObject({ allowed: 3, throttled: 1 });
  });

  it("refuses a policy with a broken expression, naming the field and the position", () => {
    const bad = { check_rules: [{ name: "x", match: "request.path ==", action: "ACTION_DENY" }] };
    expect(() => createProxy({ id: "t", role: "gateway", bootstrap: singleListenerBootstrap({ routes: [], httpFilters: [policyFilter(bad)] }, []) })).toThrow(/http_filters\[0\]\.typed_config\.check_rules\[0\]\.match: invalid CEL at 1:14: found = but expecting end of input/);
  });
});

describe("policy filter: metadata exchange between chained sidecars", () => {
  const PRODUCTPAGE = "sidecar~10.0.0.1~productpage-v1-0.default~default.svc.cluster.local";
  const REVIEWS = "sidecar~10.0.0.2~reviews-v2-0.default~default.svc.cluster.local";

  it("the server side sees the client's workload, and the client side the server's; the header goes no further", async () => {
    const up = await startUpstream("reviews");
    cleanup(up.close);
    const records: ReportRecord[] = [];
    const capture: ReportAdapter = { name: "capture", report: (b) => void records.push(...b) };
    const allowProductpage = { check_rules: [{ name: "default/from-productpage", match: 'source.workload.name == "productpage-v1"', action: "ACTION_ALLOW" }], report: true };
    const inbound = await start({ id: REVIEWS, role: "sidecar", cluster: "inbound|9080||reviews.default.svc.cluster.local", port: up.port, filters: [policyFilter(allowProductpage)], adapters: [capture] });
    const inboundPort = Number(inbound.base.split(":").pop());
    const outbound = await start({ id: PRODUCTPAGE, role: "sidecar", cluster: "outbound|9080||reviews.default.svc.cluster.local", port: inboundPort, filters: [policyFilter({ report: true })], adapters: [capture] });

    const r = await request(`${outbound.base}/reviews/1`);
    expect(r.status).toBe(200);
    expect(r.headers[PEER_METADATA_HEADER]).toBeUndefined();
    expect(up.requests[0]!.headers[PEER_METADATA_HEADER]).toBeUndefined();

    // Straight to the inbound side, with no peer: no ALLOW rule matches.
    const direct = await request(`${inbound.base}/reviews/1`);
    expect(direct.status).toBe(403);
    expect(direct.headers["x-meshdash-denied-by"]).toBe("no-allow-rule-matched");

    await vi.waitFor(() => expect(records.length).toBe(3));
    const server = records.find((x) => x.proxy === REVIEWS && x.attributes.response?.code === 200)!;
    expect(server.attributes.context.reporter).toBe("destination");
    expect(server.attributes.source.workload).toEqual({ name: "productpage-v1", namespace: "default" });
    expect(server.attributes.source.labels).toEqual({ app: "productpage", version: "v1" });
    expect(server.attributes.destination.workload).toEqual({ name: "reviews-v2", namespace: "default" });
    expect(server.attributes.destination.service).toEqual({ host: "reviews.default.svc.cluster.local", name: "reviews", namespace: "default" });
    const client = records.find((x) => x.proxy === PRODUCTPAGE)!;
    expect(client.attributes.context.reporter).toBe("source");
    expect(client.attributes.source.workload.name).toBe("productpage-v1");
    expect(client.attributes.destination.workload.name).toBe("reviews-v2");
    expect(client.attributes.destination.labels).toEqual({ app: "reviews", version: "v2" });
    expect(inbound.proxy.policyStatus().checkRules).toEqual([{ name: "default/from-productpage", action: 2, matched: 1, denied: 0, errors: 0 }]);
  });
});
