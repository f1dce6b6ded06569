// Router resilience through real loopback sockets: EDS membership, connect timeouts, malformed upstream
// responses, route and per-try timeouts, retries with backoff, retry budgets and circuit breakers.

import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { ListenerSchema } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { typeRegistry } from "../config/type-registry";
import { proxyHarness, request } from "../test-util/proxy-harness";
import { listenerJson, staticClusterJson } from "../test-util/upstream";

const { upstream, proxyWith, cleanup } = proxyHarness();

/** A raw TCP upstream answering each request head with what `reply` returns for its path. */
async function rawUpstream(reply: (path: string) => string): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buf = "";
    socket.on("data", (d) => {
      buf += d.toString("latin1");
      let i: number;
      while ((i = buf.indexOf("\r\n\r\n")) !== -1) {
        const head = buf.slice(0, i);
        buf = buf.slice(i + 4);
        socket.write(reply(head.split(" ")[1] ?? "/"), "latin1");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

describe("clusters", () => {
  it("serves an EDS cluster from a ClusterLoadAssignment, and answers 503 UH until one arrives", async () => {
    const a = await upstream("a");
    const { proxy, base } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "a" } }], { a: [a.port] });
    const res = { ...proxy.config().resources, dynamic: true, pathPrefix: "" };
    const eds = fromJson(ClusterSchema, { name: "e", type: "EDS", eds_cluster_config: { service_name: "svc-e" }, connect_timeout: "1s" });
    const routes = fromJson(ListenerSchema, listenerJson({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: "e" } }] }) as JsonValue, { registry: typeRegistry });
    await proxy.applyResources({ ...res, listeners: [routes], clusters: [...res.clusters, eds] }, "v2");
    const waiting = await request(`${base}/`);
    expect(waiting.status).toBe(503);
    expect(waiting.body).toContain('no healthy upstream: cluster "e"');
    const cla = fromJson(ClusterLoadAssignmentSchema, {
      cluster_name: "svc-e",
      endpoints: [{ locality: { zone: "z1" }, load_balancing_weight: 1, lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: a.port } } }, load_balancing_weight: 3 }] }],
    });
    await proxy.applyResources({ ...res, listeners: [routes], clusters: [...res.clusters, eds], loadAssignments: [cla] }, "v3");
    expect((await request(`${base}/`)).headers["x-upstream"]).toBe("a");
    expect(proxy.config().clusters.get("e")!.endpoints[0]).toMatchObject({ weight: 3, locality: { zone: "z1" } });
  });

  it("answers 503 UF when connecting times out", async () => {
    // 192.0.2.1 (TEST-NET-1) is never routed: the connect either times out or fails at once.
    const { base } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "t" } }], {}, [
      { name: "t", type: "STATIC", connect_timeout: "0.2s", load_assignment: { cluster_name: "t", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "192.0.2.1", port_value: 80 } } } }] }] } },
    ]);
    const t0 = Date.now();
    const r = await request(`${base}/`);
    expect(r.status).toBe(503);
    expect(r.body).toContain("upstream connect error");
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe("malformed upstream responses", () => {
  it("answer 503 naming the parse error, never reach the client, and leave the proxy serving", async () => {
    const replies: Record<string, string> = {
      "/bad-status": "HTTP/1.1 2x0 OK\r\ncontent-length: 2\r\n\r\nno",
      // Both framings at once: the classic response-smuggling shape.
      "/smuggle": "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
      "/bad-header": "HTTP/1.1 200 OK\r\nx-a b: c\r\ncontent-length: 0\r\n\r\n",
    };
    const port = await rawUpstream((path) => replies[path] ?? "HTTP/1.1 200 OK\r\ncontent-length: 4\r\nx-upstream: raw\r\n\r\ngood");
    const { base, proxy } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "raw" } }], { raw: [port] });
    for (const path of Object.keys(replies)) {
      const r = await request(`${base}${path}`);
      expect(r.status, path).toBe(503);
      expect(r.body, path).toMatch(/upstream connect error or disconnect\/reset before headers: .*\(HPE_[A-Z_]+\)/);
      const ok = await request(`${base}/fine`);
      expect(ok).toMatchObject({ status: 200, body: "good" });
    }
    expect(proxy.stats.counter("cluster.raw.upstream_cx_protocol_error").value).toBe(3);
  });
});

describe("timeouts and retries", () => {
  it("answers 504 UT when the route timeout passes", async () => {
    const slow = await upstream("slow", () => {
      /* never answers */
    });
    const { base, proxy } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "s", timeout: "0.2s" } }], { s: [slow.port] });
    const r = await request(`${base}/`);
    expect(r.status).toBe(504);
    expect(r.body).toContain("within 200ms");
    expect(proxy.stats.counter("cluster.s.upstream_rq_timeout").value).toBe(1);
  });

  it("retries 5xx on another attempt and succeeds", async () => {
    let n = 0;
    const flaky = await upstream("flaky", (_req, res) => {
      n++;
      res.writeHead(n === 1 ? 503 : 200);
      res.end(n === 1 ? "busy" : "fine");
    });
    const { base, proxy } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "f", retry_policy: { retry_on: "5xx", num_retries: 2, retry_back_off: { base_interval: "0.001s" } } } }], { f: [flaky.port] });
    const r = await request(`${base}/`);
    expect(r.status).toBe(200);
    expect(r.body).toBe("fine");
    expect(proxy.stats.counter("cluster.f.upstream_rq_retry").value).toBe(1);
    expect(proxy.stats.counter("cluster.f.upstream_rq_retry_success").value).toBe(1);
  });

  it("returns the last failure with URX when retries run out, and never replays a request body", async () => {
    const down = await upstream("down", (req, res) => {
      req.resume();
      res.writeHead(503);
      res.end("down");
    });
    const { base, proxy } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "d", retry_policy: { retry_on: "gateway-error", num_retries: 2, retry_back_off: { base_interval: "0.001s" } } } }], { d: [down.port] });
    const r = await request(`${base}/`);
    expect(r.status).toBe(503);
    expect(down.requests).toHaveLength(3);
    expect(proxy.stats.counter("cluster.d.upstream_rq_retry_limit_exceeded").value).toBe(1);
    const post = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/`, { method: "POST" }, (res) => res.resume().on("end", () => resolve(res.statusCode ?? 0)));
      req.on("error", reject);
      req.end("payload");
    });
    expect(post).toBe(503);
    expect(down.requests).toHaveLength(4);
  });

  it("caps concurrent retries with the circuit breaker's max_retries and the retry budget", async () => {
    const down = await upstream("down", (req, res) => {
      req.resume();
      setTimeout(() => {
        res.writeHead(503);
        res.end("down");
      }, 30);
    });
    const retry = { retry_on: "5xx", num_retries: 1, retry_back_off: { base_interval: "0.05s", max_interval: "0.05s" } };
    const none = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "d", retry_policy: retry } }], {}, [staticClusterJson("d", [down.port], { circuit_breakers: { thresholds: [{ max_retries: 0 }] } })]);
    expect((await request(`${none.base}/`)).status).toBe(503);
    expect(down.requests).toHaveLength(1);
    expect(none.proxy.stats.counter("cluster.d.upstream_rq_retry_overflow").value).toBe(1);

    const budget = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "b", retry_policy: retry } }], {}, [
      staticClusterJson("b", [down.port], { circuit_breakers: { thresholds: [{ retry_budget: { budget_percent: { value: 0 }, min_retry_concurrency: 1 } }] } }),
    ]);
    const before = down.requests.length;
    await Promise.all([request(`${budget.base}/`), request(`${budget.base}/`)]);
    // Both first attempts fail together; the budget admits one concurrent retry, so one request retries.
    expect(down.requests.length - before).toBe(3);
    expect(budget.proxy.stats.counter("cluster.b.upstream_rq_retry_overflow").value).toBe(1);
    expect(budget.proxy.stats.gauge("cluster.b.upstream_rq_retry_active").value).toBe(0);
    expect(budget.proxy.stats.gauge("cluster.b.upstream_rq_active").value).toBe(0);
  });

  it("answers 503 UO past the circuit breakers' max_requests and max_connections + max_pending_requests", async () => {
    const held: (() => void)[] = [];
    const slow = await upstream("slow", (req, res) => {
      req.resume();
      held.push(() => res.end("done"));
    });
    for (const thresholds of [{ max_requests: 2 }, { max_connections: 1, max_pending_requests: 1 }]) {
      const { base, proxy } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "s" } }], {}, [staticClusterJson("s", [slow.port], { circuit_breakers: { thresholds: [thresholds] } })]);
      const replies = Array.from({ length: 5 }, () => request(`${base}/`));
      // The three over the limit are refused while the first two are still held (upstream or pending).
      while (proxy.stats.counter("cluster.s.upstream_rq_pending_overflow").value < 3) await new Promise((r) => setTimeout(r, 5));
      const release = setInterval(() => held.splice(0).forEach((f) => f()), 5);
      const statuses = (await Promise.all(replies)).map((r) => r.status).sort();
      clearInterval(release);
      expect(statuses).toEqual([200, 200, 503, 503, 503]);
      expect(proxy.stats.gauge("cluster.s.upstream_rq_active").value).toBe(0);
    }
  });

  it("retries a per-try timeout", async () => {
    let n = 0;
    const sometimesSlow = await upstream("s", (_req, res) => {
      if (++n === 1) return; // first attempt hangs
      res.end("second");
    });
    const { base } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "s", retry_policy: { retry_on: "5xx", num_retries: 1, per_try_timeout: "0.1s", retry_back_off: { base_interval: "0.001s" } } } }], { s: [sometimesSlow.port] });
    const r = await request(`${base}/`);
    expect(r.body).toBe("second");
  });
});

