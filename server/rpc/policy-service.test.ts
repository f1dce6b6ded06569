// Policy end to end on the real runtime and demo mesh: CheckRule and Quota YAML pushed through
// ConfigService reach the proxies over xDS; a denied request gets 403 with the rule's reason, an exhausted
// quota 429 with Retry-After while other users pass; PolicyService shows the counts and buckets; Istio's
// standard metrics count it all; an invalid expression is refused at push time with its position.

import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigService } from "../../proto/gen/meshdash/config/v1/config_pb";
import { PolicyService } from "../../proto/gen/meshdash/policy/v1/policy_pb";
import { startTestServer, type TestServer } from "../test-util/test-server";
import { eventually } from "../xds/xds-test-util";

let server: TestServer;
let config: Client<typeof ConfigService>;
let policy: Client<typeof PolicyService>;

beforeAll(async () => {
  server = await startTestServer();
  const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" });
  config = createClient(ConfigService, transport);
  policy = createClient(PolicyService, transport);
});
afterAll(() => server.stop());

const POLICIES = `apiVersion: policy.meshdash.io/v1
kind: CheckRule
metadata: { name: no-admin, namespace: default }
spec:
  selector: { matchLabels: { app: details } }
  action: DENY
  match: 'request.path.startsWith("/details/admin")'
  reason: admin pages are internal
---
apiVersion: policy.meshdash.io/v1
kind: Quota
metadata: { name: ratings-per-user, namespace: default }
spec:
  selector: { matchLabels: { istio: ingressgateway } }
  match: 'request.path.startsWith("/ratings/quota")'
  dimensions: { user: 'request.headers["x-user"]' }
  maxAmount: 2
  validDuration: 60s
`;

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.ingressUrl}${path}`, { headers });

describe("policy through the control plane", () => {
  it("denies at the selected sidecar with 403 and the rule's reason, leaving other paths alone", async () => {
    const { head } = await config.listRevisions({ limit: 1 });
    await config.applyConfig({ yaml: POLICIES, expectedRevision: head, author: "test", message: "policies" });
    const denied = await eventually(async () => {
      const r = await get("/details/admin/1");
      return r.status === 403 && r;
    }, "the details sidecars to deny /details/admin");
    expect(denied.headers.get("x-meshdash-denied-by")).toBe("default/no-admin");
    expect(await denied.text()).toContain("admin pages are internal");
    expect((await get("/details/1")).status).toBe(200);
  });

  it("throttles one user with 429 and Retry-After once the quota is spent; another user still passes", async () => {
    await eventually(async () => (await policy.getPolicyStatus({})).proxies.some((p) => p.quotas.some((q) => q.name === "default/ratings-per-user")), "the gateway to run the quota");
    for (let i = 0; i < 2; i++) expect((await get("/ratings/quota/1", { "x-user": "alice" })).status).toBe(200);
    const over = await get("/ratings/quota/1", { "x-user": "alice" });
    expect(over.status).toBe(429);
    expect(over.headers.get("x-meshdash-quota")).toBe("default/ratings-per-user");
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await get("/ratings/quota/1", { "x-user": "bob" })).status).toBe(200);
  });

  it("shows each proxy's rules, quotas, buckets and counts", async () => {
    const status = await policy.getPolicyStatus({});
    expect(status.denied).toBeGreaterThanOrEqual(1n);
    expect(status.throttled).toBe(1n);
    const gateway = server.runtime.proxies.find((p) => p.role === "gateway")!.id;
    const gw = status.proxies.find((p) => p.proxy === gateway)!;
    const quota = gw.quotas.find((q) => q.name === "default/ratings-per-user")!;
    expect(quota).toMatchObject({ maxAmount: 2, allowed: 3n, throttled: 1n, bucketCount: 2 });
    expect(Number(quota.validDuration!.seconds)).toBe(60);
    expect(quota.buckets[0]).toMatchObject({ key: "user=alice", tokens: 0, throttled: 1n });
    const details = status.proxies.filter((p) => p.checkRules.some((r) => r.name === "default/no-admin"));
    expect(details.length).toBe(2); // details-v1 has two instances in the demo
    expect(details.reduce((n, p) => n + p.checkRules[0]!.denied, 0n)).toBeGreaterThanOrEqual(1n);
    const one = await policy.getPolicyStatus({ proxy: gateway });
    expect(one.proxies.map((p) => p.proxy)).toEqual([gateway]);
    await expect(policy.getPolicyStatus({ proxy: "nope" })).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("counts every request in Istio's standard metrics, denials and throttles included", async () => {
    const text = await eventually(() => {
      const t = server.runtime.istioMetrics.render();
      return /istio_requests_total\{[^}]*response_code="429"/.test(t) && /istio_requests_total\{[^}]*response_code="403"/.test(t) && t;
    }, "the report batches to reach the metrics adapter");
    expect(text).toMatch(/# TYPE istio_requests_total counter/);
    expect(text).toMatch(/# TYPE istio_request_duration_milliseconds histogram/);
    expect(text).toMatch(/istio_requests_total\{reporter="destination",[^}]*destination_service="details\.default\.svc\.cluster\.local"[^}]*response_code="403"[^}]*response_flags="UAEX"/);
    expect(text).toMatch(/istio_requests_total\{reporter="source",[^}]*response_code="429"[^}]*response_flags="RL"/);
  });

  it("refuses an invalid expression at push time with its position, and keeps the running policy", async () => {
    const { head } = await config.listRevisions({ limit: 1 });
    const err = await config.applyConfig({ yaml: POLICIES.replace(`'request.path.startsWith("/details/admin")'`, `'request.path.startsWith("/details/admin"'`), expectedRevision: head }).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err?.code).toBe(Code.InvalidArgument);
    expect(err?.rawMessage).toMatch(/spec\.match.*invalid CEL at 1:\d+/);
    expect((await config.listRevisions({ limit: 1 })).head).toBe(head);
    expect((await get("/details/admin/2")).status).toBe(403);
  });
});
