// Active health checking through a real proxy: a host failing its HTTP check (or not accepting TCP, or
// not answering in time) leaves load balancing within thresholds × interval, shows its flags in /clusters,
// and comes back once it passes; EDS-unhealthy hosts are listed but never picked.

import { describe, expect, it } from "vitest";
import { createProxy, type Proxy } from "../proxy";
import { cleanupAfterEach } from "../test-util/cleanup";
import { deadPort, singleListenerBootstrap, startUpstream } from "../test-util/upstream";

const cleanup = cleanupAfterEach();

function cluster(ports: number[], extra: object, health: string[] = []): object {
  return {
    name: "c",
    type: "STATIC",
    connect_timeout: "0.5s",
    load_assignment: {
      cluster_name: "c",
      endpoints: [{ lb_endpoints: ports.map((p, i) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p } } }, ...(health[i] ? { health_status: health[i] } : {}) })) }],
    },
    ...extra,
  };
}

async function start(clusterJson: object): Promise<{ proxy: Proxy; base: string; admin: string }> {
  const proxy = createProxy({ id: "t", role: "gateway", bootstrap: singleListenerBootstrap({ routes: [{ match: { prefix: "/" }, route: { cluster: "c" } }] }, [clusterJson]), admin: { host: "127.0.0.1", port: 0 } });
  await proxy.start();
  cleanup(() => proxy.stop(50));
  return { proxy, base: `http://${proxy.listeners()[0]!.address}`, admin: `http://${proxy.adminAddress()}` };
}

async function until(cond: () => boolean, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

const HTTP_HC = { timeout: "0.1s", interval: "0.1s", unhealthy_threshold: 2, healthy_threshold: 1, http_health_check: { path: "/healthz" } };

describe("active health checking", () => {
  it("takes a host failing its HTTP check out within thresholds × interval, and back when it passes", async () => {
    let sick = true;
    const good = await startUpstream("good");
    const bad = await startUpstream("bad", (req, res) => {
      res.writeHead(req.url === "/healthz" && sick ? 500 : 200);
      res.end("bad");
    });
    cleanup(good.close);
    cleanup(bad.close);
    const { proxy, base, admin } = await start(cluster([good.port, bad.port], { health_checks: [HTTP_HC] }));
    const healthy = () => proxy.stats.gauge("cluster.c.membership_healthy").value;
    // First probe within one interval, then 2 failures: well under a second.
    const took = await until(() => healthy() === 1, 1500);
    expect(took).toBeLessThan(1000);
    expect(await (await fetch(`${admin}/clusters`)).text()).toMatch(new RegExp(`c::127\\.0\\.0\\.1:${bad.port}::health_flags::/failed_active_hc`));
    const before = bad.requests.filter((r) => r.url !== "/healthz").length;
    for (let i = 0; i < 6; i++) await (await fetch(`${base}/x`)).text();
    expect(bad.requests.filter((r) => r.url !== "/healthz").length).toBe(before);
    sick = false;
    await until(() => healthy() === 2, 1500);
    expect(proxy.stats.counter("cluster.c.health_check.failure").value).toBeGreaterThanOrEqual(2);
  });

  it("fails a TCP check on a refused port, and an HTTP check that times out", async () => {
    const good = await startUpstream("good");
    const hang = await startUpstream("hang", (req, res) => {
      if (req.url !== "/healthz") res.end("ok");
    });
    cleanup(good.close);
    cleanup(hang.close);
    const dead = await deadPort();
    const tcp = await start(cluster([good.port, dead], { health_checks: [{ timeout: "0.1s", interval: "0.1s", tcp_health_check: {} }], common_lb_config: { healthy_panic_threshold: { value: 0 } } }));
    await until(() => tcp.proxy.stats.gauge("cluster.c.membership_healthy").value === 1, 1500);
    expect(tcp.proxy.stats.counter("cluster.c.health_check.network_failure").value).toBeGreaterThan(0);
    const http = await start(cluster([good.port, hang.port], { health_checks: [{ ...HTTP_HC, unhealthy_threshold: 1 }] }));
    await until(() => http.proxy.stats.gauge("cluster.c.membership_healthy").value === 1, 1500);
    expect(await (await fetch(`${http.admin}/clusters`)).text()).toMatch(/::health_flags::\/failed_active_hc\/active_hc_timeout/);
  });

  it("fails over to priority 1 when every priority 0 host fails its check", async () => {
    const backup = await startUpstream("backup");
    cleanup(backup.close);
    const dead = await deadPort();
    const c = {
      name: "c",
      type: "STATIC",
      connect_timeout: "0.5s",
      health_checks: [{ timeout: "0.1s", interval: "0.1s", tcp_health_check: {} }],
      load_assignment: {
        cluster_name: "c",
        endpoints: [
          { priority: 0, lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: dead } } } }] },
          { priority: 1, lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: backup.port } } } }] },
        ],
      },
    };
    const { proxy, base } = await start(c);
    await until(() => proxy.stats.gauge("cluster.c.membership_healthy").value === 1, 1500);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${base}/`).then(async (r) => (await r.text(), r.status))));
    expect(statuses).toEqual(Array(8).fill(200));
    expect(backup.requests.length).toBe(8);
  });

  it("lists EDS-unhealthy hosts with /failed_eds_health and never picks them", async () => {
    const a = await startUpstream("a");
    const b = await startUpstream("b");
    cleanup(a.close);
    cleanup(b.close);
    const { base, admin } = await start(cluster([a.port, b.port], {}, ["HEALTHY", "UNHEALTHY"]));
    for (let i = 0; i < 6; i++) await (await fetch(`${base}/`)).text();
    expect(b.requests).toHaveLength(0);
    expect(await (await fetch(`${admin}/clusters`)).text()).toMatch(new RegExp(`c::127\\.0\\.0\\.1:${b.port}::health_flags::/failed_eds_health`));
  });
});
