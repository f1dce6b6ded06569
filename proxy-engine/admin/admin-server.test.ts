// The admin API over a real socket: Envoy paths, config_dump filters and secret redaction.

import { afterEach, describe, expect, it } from "vitest";
import { bootstrapFromJson } from "../config/resources";
import { createProxy, type Proxy } from "../proxy";
import { bootstrapJson } from "../test-util/upstream";

let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.stop(50);
});

async function admin(token?: string): Promise<string> {
  const routes = [{ name: "r", match: { prefix: "/" }, route: { cluster: "a" }, request_headers_to_add: [{ header: { key: "authorization", value: "Bearer s3cret" } }] }];
  proxy = createProxy({ id: "gw", role: "gateway", bootstrap: bootstrapFromJson(bootstrapJson(routes, { a: [9], b: [10] })), admin: { host: "127.0.0.1", port: 0, token } });
  await proxy.start();
  return `http://${proxy.adminAddress()}`;
}

describe("admin API", () => {
  it("wants the access token on every path when it has one (exposed beyond loopback)", async () => {
    const base = await admin("t0ken");
    for (const p of ["/stats", "/config_dump", "/clusters", "/ready"]) {
      const denied = await fetch(`${base}${p}`);
      expect(denied.status).toBe(401);
      expect(await denied.text()).toContain("Authorization: Bearer <token>");
    }
    expect((await fetch(`${base}/stats`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${base}/stats`, { headers: { authorization: "Bearer t0ken" } })).status).toBe(200);
  });

  it("serves config_dump in Envoy's shape, filtered, with secrets redacted", async () => {
    const base = await admin();
    const dump = (await (await fetch(`${base}/config_dump`)).json()) as { configs: Record<string, unknown>[] };
    expect(dump.configs.map((c) => c["@type"])).toEqual([
      "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
      "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
      "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
      "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump",
    ]);
    const text = JSON.stringify(dump);
    expect(text).not.toContain("s3cret");
    expect(text).toContain("[REDACTED]");
    const clusters = (await (await fetch(`${base}/config_dump?resource=static_clusters&name_regex=^b$`)).json()) as { configs: { static_clusters: { cluster: { name: string } }[] }[] };
    expect(clusters.configs).toHaveLength(1);
    expect(clusters.configs[0]!.static_clusters.map((c) => c.cluster.name)).toEqual(["b"]);
    expect((await fetch(`${base}/config_dump?name_regex=(`)).status).toBe(400);
  });

  it("serves /listeners, /ready, /clusters and valid Prometheus text", async () => {
    const base = await admin();
    expect(await (await fetch(`${base}/listeners`)).text()).toMatch(/^ingress::127\.0\.0\.1:\d+\n$/);
    expect(await (await fetch(`${base}/ready`)).text()).toBe("LIVE\n");
    expect(await (await fetch(`${base}/clusters`)).text()).toContain("a::127.0.0.1:9::health_flags::healthy");
    const prom = await (await fetch(`${base}/stats/prometheus`)).text();
    const label = '[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"';
    const sample = new RegExp(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{${label}(,${label})*\\})? -?\\d+(\\.\\d+)?$`);
    for (const line of prom.trim().split("\n")) expect(line).toMatch(line.startsWith("#") ? /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram)$/ : sample);
    expect(prom).toContain("# TYPE envoy_http_downstream_rq_time histogram");
    expect(prom).toMatch(/envoy_http_downstream_rq_time_bucket\{envoy_http_conn_manager_prefix="ingress",le="\+Inf"\} 0/);
    expect(prom).toContain('envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix="ingress"} 0');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await (await fetch(`${base}/logging?level=debug`, { method: "POST" })).text()).toContain("router: debug");
    expect(await (await fetch(`${base}/logging?upstream=error`, { method: "POST" })).text()).toContain("upstream: error");
    const bad = await fetch(`${base}/logging?level=loud`, { method: "POST" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('unknown level "loud"');
    expect((await fetch(`${base}/clusters`, { method: "POST" })).status).toBe(405);
  });
});
