// Router behaviour through real loopback sockets: matching, actions, rewrites, header mutations, load
// balancing and dynamic resources, all configured as Envoy v3 JSON (timeouts and retries: router-resilience).

import http from "node:http";
import { describe, expect, it } from "vitest";
import { proxyHarness, request } from "../test-util/proxy-harness";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import net from "node:net";
import { ListenerSchema } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { bootstrapFromJson } from "../config/resources";
import { typeRegistry } from "../config/type-registry";
import { createProxy } from "../proxy";
import { HCM_TYPE, httpListenerJson, ROUTER_TYPE, staticClusterJson } from "../test-util/upstream";

function rdsListenerJson(name: string, routeConfigName: string) {
  return {
    name,
    address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: { "@type": HCM_TYPE, stat_prefix: name, rds: { route_config_name: routeConfigName }, http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }] },
          },
        ],
      },
    ],
  };
}

const { cleanup, upstream, proxyWith } = proxyHarness();

const echo = (name: string): http.RequestListener => (req, res) => {
  res.writeHead(200, { "content-type": "application/json", "x-upstream": name });
  res.end(JSON.stringify({ name, url: req.url, host: req.headers.host, headers: req.headers }));
};

describe("route matching", () => {
  it("matches headers (exact, prefix, regex, present, range, invert), query parameters, regex paths and case", async () => {
    const a = await upstream("a", echo("a"));
    const routes = [
      { name: "hdr", match: { prefix: "/", headers: [{ name: "x-canary", string_match: { exact: "yes" } }] }, route: { cluster: "c", prefix_rewrite: "/canary/" } },
      { name: "notbot", match: { prefix: "/ua", headers: [{ name: "user-agent", string_match: { contains: "bot" }, invert_match: true }] }, route: { cluster: "c" } },
      { name: "range", match: { prefix: "/r", headers: [{ name: "x-n", range_match: { start: 10, end: 20 } }] }, route: { cluster: "c" } },
      { name: "query", match: { prefix: "/q", query_parameters: [{ name: "debug", string_match: { exact: "1" } }] }, route: { cluster: "c" } },
      { name: "regex", match: { safe_regex: { regex: "/items/[0-9]+" } }, route: { cluster: "c" } },
      { name: "ci", match: { path: "/CaseLess", case_sensitive: false }, route: { cluster: "c" } },
      { name: "present", match: { prefix: "/p", headers: [{ name: "x-p", present_match: true }] }, route: { cluster: "c" } },
      { name: "method", match: { prefix: "/m", headers: [{ name: ":method", string_match: { exact: "DELETE" } }] }, route: { cluster: "c" } },
    ];
    const { base } = await proxyWith(routes, { c: [a.port] });
    const route = async (path: string, headers: Record<string, string> = {}, method = "GET") => {
      const r = await request(`${base}${path}`, { headers, method });
      return r.status === 200 ? (JSON.parse(r.body) as { url: string }).url : r.status;
    };
    expect(await route("/x", { "x-canary": "yes" })).toBe("/canary/x");
    expect(await route("/ua", { "user-agent": "curl" })).toBe("/ua");
    expect(await route("/ua", { "user-agent": "googlebot" })).toBe(404);
    expect(await route("/r", { "x-n": "15" })).toBe("/r");
    expect(await route("/r", { "x-n": "20" })).toBe(404);
    expect(await route("/r", { "x-n": "abc" })).toBe(404);
    expect(await route("/q?x=2&debug=1")).toBe("/q?x=2&debug=1");
    expect(await route("/q?debug=0")).toBe(404);
    expect(await route("/items/42")).toBe("/items/42");
    expect(await route("/items/42/x")).toBe(404);
    expect(await route("/caseless")).toBe("/caseless");
    expect(await route("/p", { "x-p": "" })).toBe("/p");
    expect(await route("/p")).toBe(404);
    expect(await route("/m", {}, "DELETE")).toBe("/m");
    expect(await route("/m")).toBe(404);
  });

  it("chooses virtual hosts by exact, suffix, prefix and wildcard domains", async () => {
    const a = await upstream("a", echo("a"));
    const proxy = createProxy({
      id: "t",
      role: "gateway",
      bootstrap: bootstrapFromJson({
        static_resources: {
          listeners: [
            httpListenerJson("l", 0, {
              name: "rc",
              virtual_hosts: ["exact.com", "*.suffix.com", "prefix.*", "*"].map((d, i) => ({
                name: `vh${i}`,
                domains: [d],
                routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: `vh${i}` } } }],
              })),
            }),
          ],
          clusters: [staticClusterJson("c", [a.port])],
        },
      }),
    });
    await proxy.start();
    cleanup(() => proxy.stop(100));
    const base = `http://${proxy.listeners()[0]!.address}`;
    const vh = async (host: string) => (await request(base, { headers: { host } })).body;
    expect(await vh("exact.com")).toBe("vh0");
    expect(await vh("exact.com:8080")).toBe("vh0");
    expect(await vh("a.suffix.com")).toBe("vh1");
    expect(await vh("prefix.anything")).toBe("vh2");
    expect(await vh("other.org")).toBe("vh3");
  });
});

describe("route actions", () => {
  it("splits weighted clusters by weight", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    const { base } = await proxyWith([{ match: { prefix: "/" }, route: { weighted_clusters: { clusters: [{ name: "a", weight: 80 }, { name: "b", weight: 20 }] } } }], { a: [a.port], b: [b.port] });
    for (let i = 0; i < 400; i++) await request(`${base}/`);
    // Binomial(400, 0.8): mean 320, sd 8; ±5 sd keeps this from flaking while catching a wrong split.
    expect(a.requests.length).toBeGreaterThan(280);
    expect(a.requests.length).toBeLessThan(360);
    expect(a.requests.length + b.requests.length).toBe(400);
  });

  it("routes by cluster_header, and answers 404 NC when the header is missing", async () => {
    const a = await upstream("a");
    const { base } = await proxyWith([{ match: { prefix: "/" }, route: { cluster_header: "x-cluster" } }], { a: [a.port] });
    expect((await request(`${base}/`, { headers: { "x-cluster": "a" } })).headers["x-upstream"]).toBe("a");
    const missing = await request(`${base}/`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('header "x-cluster" is missing');
    expect((await request(`${base}/`, { headers: { "x-cluster": "nope" } })).body).toContain('cluster "nope" not found');
  });

  it("redirects and answers directly", async () => {
    const a = await upstream("a");
    const { base } = await proxyWith(
      [
        { match: { prefix: "/old/" }, redirect: { prefix_rewrite: "/new/", response_code: "PERMANENT_REDIRECT" } },
        { match: { prefix: "/secure" }, redirect: { https_redirect: true, host_redirect: "example.com", strip_query: true } },
        { match: { path: "/healthz" }, direct_response: { status: 200, body: { inline_string: "ok" } }, response_headers_to_add: [{ header: { key: "x-served-by", value: "%HOSTNAME%" } }] },
      ],
      { a: [a.port] },
    );
    const moved = await request(`${base}/old/page?x=1`, { headers: { host: "site.test:8080" } });
    expect(moved.status).toBe(308);
    expect(moved.headers.location).toBe("http://site.test:8080/new/page?x=1");
    const secure = await request(`${base}/secure?x=1`, { headers: { host: "site.test" } });
    expect(secure.status).toBe(301);
    expect(secure.headers.location).toBe("https://example.com/secure");
    const health = await request(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toBe("ok");
    expect(health.headers["x-served-by"]).toBeTruthy();
    expect(a.requests).toHaveLength(0);
  });

  it("rewrites the path by regex and the host, and mutates headers with Envoy substitutions", async () => {
    const a = await upstream("a", echo("a"));
    const { base } = await proxyWith(
      [
        {
          match: { prefix: "/api/" },
          route: { cluster: "a", regex_rewrite: { pattern: { regex: "^/api/v([0-9]+)/(.*)$" }, substitution: "/\\2?version=\\1" }, host_rewrite_literal: "internal.svc" },
          request_headers_to_add: [
            { header: { key: "x-client", value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" } },
            { header: { key: "x-echo", value: "%REQ(x-in)%" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" },
          ],
          request_headers_to_remove: ["x-drop"],
          response_headers_to_add: [{ header: { key: "x-route", value: "api" } }],
          response_headers_to_remove: ["x-upstream"],
        },
      ],
      { a: [a.port] },
    );
    const r = await request(`${base}/api/v2/users`, { headers: { "x-in": "hello", "x-drop": "1" } });
    const seen = JSON.parse(r.body) as { url: string; host: string; headers: Record<string, string> };
    expect(seen.url).toBe("/users?version=2");
    expect(seen.host).toBe("internal.svc");
    expect(seen.headers["x-client"]).toBe("127.0.0.1");
    expect(seen.headers["x-echo"]).toBe("hello");
    expect(seen.headers["x-drop"]).toBeUndefined();
    expect(r.headers["x-route"]).toBe("api");
    expect(r.headers["x-upstream"]).toBeUndefined();
  });
});

describe("load balancing through the proxy", () => {
  it("keeps a header's requests on one host with RING_HASH and MAGLEV, and spreads different headers", async () => {
    const ups = await Promise.all(["a", "b", "c", "d"].map((n) => upstream(n)));
    for (const policy of ["RING_HASH", "MAGLEV"]) {
      const { base } = await proxyWith(
        [{ match: { prefix: "/" }, route: { cluster: "h", hash_policy: [{ header: { header_name: "x-user" } }] } }],
        {},
        [staticClusterJson("h", ups.map((u) => u.port), { lb_policy: policy })],
      );
      const hostFor = async (user: string) => (await request(`${base}/`, { headers: { "x-user": user } })).headers["x-upstream"];
      const first = await hostFor("alice");
      for (let i = 0; i < 5; i++) expect(await hostFor("alice")).toBe(first);
      const seen = new Set<string | string[] | undefined>();
      for (let i = 0; i < 40; i++) seen.add(await hostFor(`user-${i}`));
      expect(seen.size).toBeGreaterThanOrEqual(3);
    }
  });

  it("serves LEAST_REQUEST and RANDOM clusters, and refuses a non-prime Maglev table", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    for (const policy of ["LEAST_REQUEST", "RANDOM"]) {
      const { base } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "c" } }], {}, [staticClusterJson("c", [a.port, b.port], { lb_policy: policy })]);
      const seen = new Set<string | string[] | undefined>();
      for (let i = 0; i < 30; i++) seen.add((await request(`${base}/`)).headers["x-upstream"]);
      expect(seen).toEqual(new Set(["a", "b"]));
    }
    await expect(proxyWith([{ match: { prefix: "/" }, route: { cluster: "m" } }], {}, [staticClusterJson("m", [a.port], { lb_policy: "MAGLEV", maglev_lb_config: { table_size: 1000 } })])).rejects.toThrow(
      "static_resources.clusters[0].maglev_lb_config.table_size: must be a prime",
    );
  });
});

describe("dynamic resources", () => {
  it("reports 503 NC for a route to a cluster that has not arrived (RDS is not cluster-validated)", async () => {
    const a = await upstream("a");
    const { proxy } = await proxyWith([{ match: { prefix: "/" }, route: { cluster: "a" } }], { a: [a.port] });
    const res = { ...proxy.config().resources, dynamic: true, pathPrefix: "" };
    const rdsListener = fromJson(ListenerSchema, rdsListenerJson("rds-listener", "late"), { registry: typeRegistry });
    await proxy.applyResources({ ...res, listeners: [...res.listeners, rdsListener] }, "v2");
    const rdsBase = `http://${proxy.listeners().find((x) => x.name === "rds-listener")!.address}`;
    const waiting = await request(`${rdsBase}/`);
    expect(waiting.status).toBe(404);
    expect(waiting.body).toContain('route configuration "late" has not been received yet');
    const late = fromJson(RouteConfigurationSchema, { name: "late", virtual_hosts: [{ name: "v", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "not-yet" } }] }] });
    await proxy.applyResources({ ...res, listeners: [...res.listeners, rdsListener], routeConfigs: [late] }, "v3");
    const nc = await request(`${rdsBase}/`);
    expect(nc.status).toBe(503);
    expect(nc.body).toContain('cluster "not-yet" not found');
    // Removing the listener drains it and frees its port.
    await proxy.applyResources(res, "v4");
    expect(proxy.listeners().map((x) => x.name)).toEqual(["ingress"]);
  });

  it("proxies raw TCP with tcp_proxy", async () => {
    const echoServer = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echoServer.listen(0, "127.0.0.1", r));
    cleanup(() => new Promise((r) => echoServer.close(() => r())));
    const port = (echoServer.address() as net.AddressInfo).port;
    const proxy = createProxy({
      id: "t",
      role: "gateway",
      bootstrap: bootstrapFromJson({
        static_resources: {
          listeners: [
            {
              name: "tcp",
              address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
              filter_chains: [{ filters: [{ name: "envoy.filters.network.tcp_proxy", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix: "echo", cluster: "echo" } }] }],
            },
          ],
          clusters: [staticClusterJson("echo", [port])],
        },
      }),
    });
    await proxy.start();
    cleanup(() => proxy.stop(100));
    const [host, p] = proxy.listeners()[0]!.address.split(":");
    const got = await new Promise<string>((resolve, reject) => {
      const c = net.connect(Number(p), host!, () => c.end("ping over tcp"));
      let out = "";
      c.on("data", (d) => (out += d.toString()));
      c.on("close", () => resolve(out));
      c.on("error", reject);
    });
    expect(got).toBe("ping over tcp");
    expect(proxy.stats.counter("tcp.echo.downstream_cx_total").value).toBe(1);
  });
});
