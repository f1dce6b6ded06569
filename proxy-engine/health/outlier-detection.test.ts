// Outlier detection through a real proxy: an upstream answering 503s, and one resetting connections, are
// ejected after the configured count, shown as failed_outlier_check in /clusters, and return on time.

import http from "node:http";
import { describe, expect, it } from "vitest";
import { createProxy, type Proxy } from "../proxy";
import { cleanupAfterEach } from "../test-util/cleanup";
import { singleListenerBootstrap, staticClusterJson, startUpstream } from "../test-util/upstream";

const cleanup = cleanupAfterEach();

async function setup(bad: http.RequestListener): Promise<{ proxy: Proxy; base: string; admin: string; badHits: () => number }> {
  const good = await startUpstream("good");
  const sick = await startUpstream("bad", bad);
  cleanup(good.close);
  cleanup(sick.close);
  const outlier = { consecutive_5xx: 3, base_ejection_time: "0.3s", max_ejection_percent: 50, interval: "10s" };
  const proxy = createProxy({
    id: "t",
    role: "gateway",
    bootstrap: singleListenerBootstrap({ routes: [{ match: { prefix: "/" }, route: { cluster: "c" } }] }, [staticClusterJson("c", [good.port, sick.port], { outlier_detection: outlier })]),
    admin: { host: "127.0.0.1", port: 0 },
  });
  await proxy.start();
  cleanup(() => proxy.stop(50));
  return { proxy, base: `http://${proxy.listeners()[0]!.address}`, admin: `http://${proxy.adminAddress()}`, badHits: () => sick.requests.length };
}

async function statuses(base: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/`, { signal: AbortSignal.timeout(5000) });
    await r.text();
    out.push(r.status);
  }
  return out;
}

describe("outlier detection", () => {
  it("ejects a host after consecutive 5xx, reports it in /clusters, and takes it back after the ejection time", async () => {
    const { proxy, base, admin, badHits } = await setup((_req, res) => {
      res.writeHead(503);
      res.end("sick");
    });
    await statuses(base, 6); // round robin: 3 of these reach the bad host
    expect(badHits()).toBe(3);
    expect(proxy.stats.counter("cluster.c.outlier_detection.ejections_enforced_consecutive_5xx").value).toBe(1);
    expect(proxy.stats.gauge("cluster.c.outlier_detection.ejections_active").value).toBe(1);
    expect(await statuses(base, 10)).toEqual(Array(10).fill(200));
    expect(badHits()).toBe(3);
    const text = await (await fetch(`${admin}/clusters`)).text();
    expect(text).toMatch(/c::127\.0\.0\.1:\d+::health_flags::\/failed_outlier_check/);
    const json = (await (await fetch(`${admin}/clusters?format=json`)).json()) as { cluster_statuses: { host_statuses: { health_status: Record<string, unknown> }[] }[] };
    expect(json.cluster_statuses[0]!.host_statuses.some((h) => h.health_status.failed_outlier_check === true)).toBe(true);
    // Back after base_ejection_time × 1.
    const t0 = Date.now();
    while (proxy.stats.gauge("cluster.c.outlier_detection.ejections_active").value > 0) {
      if (Date.now() - t0 > 3000) {
        const c = proxy.config().clusters.get("c")!;
        throw new Error(`host not back after 3 s: now=${Date.now()} ${JSON.stringify(c.endpoints.map((e) => ({ a: e.address, o: e.outlier })))} total=${proxy.stats.counter("cluster.c.outlier_detection.ejections_enforced_total").value}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await statuses(base, 4);
    expect(badHits()).toBeGreaterThan(3);
  });

  it("ejects a host that resets connections (local-origin failures count as gateway errors)", async () => {
    const { proxy, base, badHits } = await setup((req) => req.socket.destroy());
    const seen = await statuses(base, 8);
    expect(seen.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
    expect(proxy.stats.counter("cluster.c.outlier_detection.ejections_enforced_total").value).toBe(1);
    const hitsAtEjection = badHits();
    expect(await statuses(base, 6)).toEqual(Array(6).fill(200));
    expect(badHits()).toBe(hitsAtEjection);
  });
});
