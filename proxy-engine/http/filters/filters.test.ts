// Stream filters through a real proxy on loopback: fault (abort, delay, header-driven), local rate limit,
// header mutation and CORS, configured as Envoy v3 JSON.

import http from "node:http";
import { describe, expect, it } from "vitest";
import { createProxy, type Proxy } from "../../proxy";
import { cleanupAfterEach } from "../../test-util/cleanup";
import { singleListenerBootstrap, staticClusterJson, startUpstream } from "../../test-util/upstream";
import { createTokenBucket } from "./local-ratelimit/local-ratelimit-filter";

const cleanup = cleanupAfterEach();

const T = "type.googleapis.com/envoy.extensions.filters.http.";

async function proxyWithFilters(httpFilters: object[], routeExtra: object = {}, vhExtra: object = {}): Promise<{ proxy: Proxy; base: string; upstreamHits: () => number }> {
  const up = await startUpstream("a");
  cleanup(up.close);
  const routes = [{ name: "r", match: { prefix: "/" }, route: { cluster: "a" }, ...routeExtra }];
  const proxy = createProxy({ id: "t", role: "gateway", bootstrap: singleListenerBootstrap({ routes, vhost: vhExtra, httpFilters }, [staticClusterJson("a", [up.port])]) });
  await proxy.start();
  cleanup(() => proxy.stop(100));
  return { proxy, base: `http://${proxy.listeners()[0]!.address}`, upstreamHits: () => up.requests.length };
}

function request(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("fault filter", () => {
  it("aborts every request at 100% without reaching the upstream", async () => {
    const { base, upstreamHits, proxy } = await proxyWithFilters([{ name: "envoy.filters.http.fault", typed_config: { "@type": `${T}fault.v3.HTTPFault`, abort: { http_status: 418, percentage: { numerator: 100 } } } }]);
    const r = await request(`${base}/`);
    expect(r.status).toBe(418);
    expect(r.body).toContain("fault filter abort");
    expect(upstreamHits()).toBe(0);
    expect(proxy.stats.counter("http.l.fault.aborts_injected").value).toBe(1);
  });

  it("delays by the request header when header_delay is configured, then forwards", async () => {
    const { base, upstreamHits } = await proxyWithFilters([{ name: "envoy.filters.http.fault", typed_config: { "@type": `${T}fault.v3.HTTPFault`, delay: { header_delay: {}, percentage: { numerator: 100 } } } }]);
    const t0 = performance.now();
    const r = await request(`${base}/`, { headers: { "x-envoy-fault-delay-request": "150" } });
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(upstreamHits()).toBe(1);
    const fast = performance.now();
    await request(`${base}/`);
    expect(performance.now() - fast).toBeLessThan(140);
  });
});

describe("local rate limit filter", () => {
  it("lets max_tokens through, then answers 429 RL", async () => {
    const { base, proxy } = await proxyWithFilters([
      {
        name: "envoy.filters.http.local_ratelimit",
        typed_config: {
          "@type": `${T}local_ratelimit.v3.LocalRateLimit`,
          stat_prefix: "rl",
          token_bucket: { max_tokens: 3, tokens_per_fill: 3, fill_interval: "60s" },
          filter_enabled: { default_value: { numerator: 100 }, runtime_key: "e" },
          filter_enforced: { default_value: { numerator: 100 }, runtime_key: "f" },
        },
      },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await request(`${base}/`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(proxy.stats.counter("rl.http_local_rate_limit.rate_limited").value).toBe(2);
  });

  it("refills by whole intervals and never above max", () => {
    const b = createTokenBucket(2, 1, 100, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    expect(b.take(99)).toBe(false);
    expect(b.take(100)).toBe(true);
    expect([b.take(1000), b.take(1000), b.take(1000)]).toEqual([true, true, false]);
  });
});

describe("header mutation and CORS filters", () => {
  it("mutates request and response headers", async () => {
    const { base } = await proxyWithFilters([
      {
        name: "envoy.filters.http.header_mutation",
        typed_config: {
          "@type": `${T}header_mutation.v3.HeaderMutation`,
          mutations: { request_mutations: [{ remove: "x-internal" }], response_mutations: [{ append: { header: { key: "x-proxied-by", value: "meshdash" } } }] },
        },
      },
    ]);
    const r = await request(`${base}/`, { headers: { "x-internal": "secret" } });
    expect(r.headers["x-proxied-by"]).toBe("meshdash");
  });

  it("answers allowed preflights itself and decorates allowed simple requests", async () => {
    const policy = { "envoy.filters.http.cors": { "@type": `${T}cors.v3.CorsPolicy`, allow_origin_string_match: [{ suffix: ".example.com" }], allow_methods: "GET,POST", allow_headers: "content-type", max_age: "600", expose_headers: "x-total" } };
    const { base, upstreamHits } = await proxyWithFilters([{ name: "envoy.filters.http.cors", typed_config: { "@type": `${T}cors.v3.Cors` } }], {}, { typed_per_filter_config: policy });
    const pre = await request(`${base}/`, { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "POST" } });
    expect(pre.status).toBe(200);
    expect(pre.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(pre.headers["access-control-allow-methods"]).toBe("GET,POST");
    expect(upstreamHits()).toBe(0);
    const simple = await request(`${base}/`, { headers: { origin: "https://app.example.com" } });
    expect(simple.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(simple.headers["access-control-expose-headers"]).toBe("x-total");
    const other = await request(`${base}/`, { headers: { origin: "https://evil.test" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
