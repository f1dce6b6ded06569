// Integration tests of the proxy through real loopback sockets: routing, round robin, pooling, streaming,
// local replies (404/503), malformed input, atomic config swaps.

import http from "node:http";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach } from "./test-util/cleanup";
import { ConfigError } from "./config/config-error";
import { resourcesFromBootstrap } from "./config/resources";
import { createProxy, type Proxy } from "./proxy";
import { bootstrapFor, deadPort, singleListenerBootstrap, startUpstream, staticClusterJson, type TestUpstream } from "./test-util/upstream";

const cleanup = cleanupAfterEach();

async function upstream(name: string, handler?: http.RequestListener): Promise<TestUpstream> {
  const u = await startUpstream(name, handler);
  cleanup(u.close);
  return u;
}

async function proxyFor(routes: { prefix: string; cluster: string }[], clusters: Record<string, number[]>): Promise<{ proxy: Proxy; base: string }> {
  const proxy = createProxy({ id: "test", role: "gateway", bootstrap: bootstrapFor(routes, clusters) });
  await proxy.start();
  cleanup(() => proxy.stop(100));
  return { proxy, base: `http://${proxy.listeners()[0]!.address}` };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on("error", reject);
  });
}

describe("proxy request path", () => {
  it("routes by prefix and round-robins over the cluster's endpoints", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    const other = await upstream("other");
    const { base } = await proxyFor(
      [
        { prefix: "/other", cluster: "other" },
        { prefix: "/", cluster: "ab" },
      ],
      { ab: [a.port, b.port], other: [other.port] },
    );
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await get(`${base}/x`)).headers["x-upstream"] as string);
    expect(seen.filter((s) => s === "a")).toHaveLength(3);
    expect(seen.filter((s) => s === "b")).toHaveLength(3);
    expect(seen[0]).not.toBe(seen[1]);
    const o = await get(`${base}/other/thing?q=1`);
    expect(o.body).toBe("other GET /other/thing?q=1");
  });

  it("pools upstream connections with keep-alive, and counts them as Envoy does", async () => {
    const a = await upstream("a");
    const { proxy, base } = await proxyFor([{ prefix: "/", cluster: "a" }], { a: [a.port] });
    for (let i = 0; i < 20; i++) expect((await get(`${base}/`)).status).toBe(200);
    expect(a.requests).toHaveLength(20);
    expect(a.connections).toBe(1);
    expect(proxy.stats.counter("cluster.a.upstream_cx_total").value).toBe(1);
    expect(proxy.stats.gauge("cluster.a.upstream_cx_active").value).toBe(1);
    const host = [...proxy.config().clusters.get("a")!.endpoints][0]!;
    expect(host.stats).toMatchObject({ cx_total: 1, cx_active: 1, rq_total: 20, rq_success: 20 });
  });

  it("applies common_http_protocol_options: max_requests_per_connection closes a connection after N requests", async () => {
    const a = await upstream("a");
    const options = {
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        common_http_protocol_options: { max_requests_per_connection: 2, idle_timeout: "30s" },
        explicit_http_config: { http_protocol_options: {} },
      },
    };
    const bootstrap = singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: "a" } }] }, [staticClusterJson("a", [a.port], { typed_extension_protocol_options: options })]);
    const proxy = createProxy({ id: "test", role: "gateway", bootstrap });
    await proxy.start();
    cleanup(() => proxy.stop(100));
    for (let i = 0; i < 5; i++) expect((await get(`http://${proxy.listeners()[0]!.address}/`)).status).toBe(200);
    expect(a.connections).toBe(3);
    expect(proxy.stats.counter("cluster.a.upstream_cx_max_requests").value).toBe(2);
  });

  it("sets X-Forwarded-For and appends to an existing one", async () => {
    const a = await upstream("a");
    const { base } = await proxyFor([{ prefix: "/", cluster: "a" }], { a: [a.port] });
    await get(`${base}/`);
    await get(`${base}/`, { "x-forwarded-for": "10.1.2.3" });
    expect(a.requests[0]!.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(a.requests[1]!.headers["x-forwarded-for"]).toBe("10.1.2.3, 127.0.0.1");
    expect(a.requests[0]!.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 404 with a body naming the request when no route matches", async () => {
    const a = await upstream("a");
    const { base, proxy } = await proxyFor([{ prefix: "/api", cluster: "a" }], { a: [a.port] });
    const r = await get(`${base}/nope`);
    expect(r.status).toBe(404);
    expect(r.body).toContain("no route matched GET /nope");
    expect(a.requests).toHaveLength(0);
    expect(proxy.stats.counter("http.ingress.no_route").value).toBe(1);
  });

  it("answers 503 naming every endpoint tried when none answers", async () => {
    const p1 = await deadPort();
    const p2 = await deadPort();
    const { base } = await proxyFor([{ prefix: "/", cluster: "dead" }], { dead: [p1, p2] });
    const r = await get(`${base}/`);
    expect(r.status).toBe(503);
    expect(r.body).toContain('cluster "dead"');
    expect(r.body).toContain(`127.0.0.1:${p1} (ECONNREFUSED)`);
    expect(r.body).toContain(`127.0.0.1:${p2} (ECONNREFUSED)`);
  });

  it("fails over to a live endpoint when another refuses connections", async () => {
    const a = await upstream("a");
    const dead = await deadPort();
    const { base, proxy } = await proxyFor([{ prefix: "/", cluster: "c" }], { c: [dead, a.port] });
    for (let i = 0; i < 6; i++) expect((await get(`${base}/`)).status).toBe(200);
    expect(proxy.stats.counter("cluster.c.upstream_cx_connect_fail").value).toBeGreaterThan(0);
  });

  it("answers 503 UH when the cluster has no endpoints", async () => {
    const { base } = await proxyFor([{ prefix: "/", cluster: "empty" }], { empty: [] });
    const r = await get(`${base}/`);
    expect(r.status).toBe(503);
    expect(r.body).toContain('no healthy upstream: cluster "empty"');
  });

  it("streams the request body to the upstream before the client finishes sending", async () => {
    let resolveFirst!: (s: string) => void;
    const firstChunk = new Promise<string>((r) => (resolveFirst = r));
    const a = await upstream("a", (req, res) => {
      let got = "";
      req.setEncoding("utf8");
      req.once("data", (c: string) => resolveFirst(c));
      req.on("data", (c: string) => (got += c));
      req.on("end", () => res.end(`got ${got.length}`));
    });
    const { base } = await proxyFor([{ prefix: "/", cluster: "a" }], { a: [a.port] });
    const done = new Promise<string>((resolve, reject) => {
      const req = http.request(`${base}/upload`, { method: "POST" }, (res) => {
        let b = "";
        res.on("data", (c) => (b += c));
        res.on("end", () => resolve(b));
      });
      req.on("error", reject);
      req.write("first-chunk");
      // The second chunk is only sent once the upstream has seen the first: a buffering proxy would deadlock.
      void firstChunk.then(() => req.end("second"));
    });
    expect(await firstChunk).toBe("first-chunk");
    expect(await done).toBe("got 17");
  });

  it("streams the response body to the client before the upstream finishes", async () => {
    let finish!: () => void;
    const a = await upstream("a", (_req, res) => {
      res.writeHead(200);
      res.write("head;");
      finish = () => res.end("tail");
    });
    const { base } = await proxyFor([{ prefix: "/", cluster: "a" }], { a: [a.port] });
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`${base}/`, (res) => {
          let b = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            b += c;
            if (b === "head;") finish();
          });
          res.on("end", () => resolve(b));
        })
        .on("error", reject);
    });
    expect(body).toBe("head;tail");
  });

  it("refuses malformed HTTP with a precise 400 and keeps serving", async () => {
    const a = await upstream("a");
    const { base, proxy } = await proxyFor([{ prefix: "/", cluster: "a" }], { a: [a.port] });
    const port = Number(new URL(base).port);
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.write("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"));
      let out = "";
      s.on("data", (d) => (out += d.toString()));
      s.on("close", () => resolve(out));
    });
    expect(raw).toMatch(/^HTTP\/1.1 400 Bad Request/);
    expect(raw).toContain("bad request: HPE_");
    expect(proxy.stats.counter("http.ingress.downstream_cx_protocol_error").value).toBe(1);
    expect((await get(`${base}/`)).status).toBe(200);
  });

  it("a rejected config that changed a cluster's limits leaves the running version's upstream connections warm", async () => {
    const a = await upstream("a");
    const { base, proxy } = await proxyFor([{ prefix: "/", cluster: "a" }], { a: [a.port] });
    for (let i = 0; i < 3; i++) expect((await get(`${base}/`)).status).toBe(200);
    // New limits for "a" (its pools are rebuilt while compiling), then a route to a cluster that does not exist.
    const limited = staticClusterJson("a", [a.port], { circuit_breakers: { thresholds: [{ max_connections: 7 }] } });
    const bad = resourcesFromBootstrap(singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: "missing" } }] }, [limited]));
    await expect(proxy.applyResources(bad, "v2")).rejects.toThrow(/unknown cluster "missing"/);
    for (let i = 0; i < 3; i++) expect((await get(`${base}/`)).status).toBe(200);
    expect(a.connections).toBe(1);
    // Once a config with the new limits goes live, the old pool is drained and the new one is used.
    const good = resourcesFromBootstrap(singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: "a" } }] }, [limited]));
    await proxy.applyResources(good, "v3");
    for (let i = 0; i < 3; i++) expect((await get(`${base}/`)).status).toBe(200);
    expect(a.connections).toBe(2);
  });

  it("keeps the last good config when a swap is invalid, and swaps atomically when valid", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    const { base, proxy } = await proxyFor([{ prefix: "/", cluster: "a" }], { a: [a.port] });
    const bad = resourcesFromBootstrap(bootstrapFor([{ prefix: "/", cluster: "missing" }], { a: [a.port] }));
    await expect(proxy.applyResources(bad, "v2")).rejects.toThrow(ConfigError);
    await expect(proxy.applyResources(bad, "v2")).rejects.toThrow(/routes\[0\]\.route\.cluster: unknown cluster "missing"/);
    expect(proxy.config().version).toBe("static-1");
    expect((await get(`${base}/`)).headers["x-upstream"]).toBe("a");
    // Same listener name and requested address: it keeps its socket; only routing changes.
    await proxy.applyResources(resourcesFromBootstrap(bootstrapFor([{ prefix: "/", cluster: "b" }], { b: [b.port] })), "v3");
    expect(proxy.config().version).toBe("v3");
    expect((await get(`${base}/`)).headers["x-upstream"]).toBe("b");
  });
});
