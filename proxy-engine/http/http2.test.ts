// HTTP/2 through a real proxy on loopback: h2c downstream to an HTTP/1.1 upstream, HTTP/1.1 downstream to
// an h2c upstream, and real gRPC (connect-node on both ends) with trailers and error statuses.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach } from "../test-util/cleanup";
import { MeshService, ProxyRole, ProxySchema } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import type { TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { bootstrapFromJson } from "../config/resources";
import { createProxy, type Proxy } from "../proxy";
import { compileTapMatch } from "../tap/match";
import { createTap } from "../tap/tap";
import { decodeTapEvent } from "../tap/tap-wire";
import { bootstrapJson, prefixRoutes, staticClusterJson, startUpstream } from "../test-util/upstream";

const cleanup = cleanupAfterEach();

const H2_OPTIONS = {
  typed_extension_protocol_options: {
    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
      "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
      explicit_http_config: { http2_protocol_options: {} },
    },
  },
};

async function startProxy(routes: object[], clusters: object[]): Promise<{ proxy: Proxy; base: string }> {
  const json = bootstrapJson(routes, {}, clusters);
  const proxy = createProxy({ id: "t", role: "gateway", bootstrap: bootstrapFromJson(json) });
  await proxy.start();
  cleanup(() => proxy.stop(100));
  return { proxy, base: `http://${proxy.listeners()[0]!.address}` };
}

async function h2Server(handler: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void): Promise<number> {
  const server = http2.createServer(handler);
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (s) => sessions.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup(
    () =>
      new Promise((r) => {
        for (const s of sessions) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function h2Get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http2.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const c = http2.connect(base);
    c.on("error", reject);
    const r = c.request({ ":path": path, ...headers });
    let status = 0;
    let hdrs: http2.IncomingHttpHeaders = {};
    let body = "";
    r.on("response", (h) => {
      status = Number(h[":status"]);
      hdrs = h;
    });
    r.on("data", (d: Buffer) => (body += d.toString()));
    r.on("end", () => {
      c.close();
      resolve({ status, body, headers: hdrs });
    });
    r.on("error", reject);
    r.end();
  });
}

describe("HTTP/2", () => {
  it("serves h2c downstream and translates to an HTTP/1.1 upstream (Host from :authority)", async () => {
    const up = await startUpstream("a", (req, res) => res.end(`host=${req.headers.host} path=${req.url} v=${req.httpVersion}`));
    cleanup(up.close);
    const { base } = await startProxy(prefixRoutes([{ prefix: "/", cluster: "a" }]), [staticClusterJson("a", [up.port])]);
    const r = await h2Get(base, "/hello?x=1");
    expect(r.status).toBe(200);
    expect(r.body).toBe(`host=${base.slice(7)} path=/hello?x=1 v=1.1`);
    expect(r.headers["x-envoy-upstream-service-time"]).toBeDefined();
    // HTTP/1.1 still works on the same listener.
    expect(await (await fetch(`${base}/h1`)).text()).toContain("v=1.1");
  });

  it("sends an h2c request body of unknown length to an HTTP/1.1 upstream chunked, byte for byte", async () => {
    const up = await startUpstream("a", (req, res) => {
      let body = "";
      req.setEncoding("latin1");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => res.end(`te=${req.headers["transfer-encoding"]} cl=${req.headers["content-length"]} len=${body.length} body=${body.slice(0, 12)}`));
    });
    cleanup(up.close);
    const { base } = await startProxy(prefixRoutes([{ prefix: "/", cluster: "a" }]), [staticClusterJson("a", [up.port])]);
    const text = await new Promise<string>((resolve, reject) => {
      const c = http2.connect(base);
      c.on("error", reject);
      const r = c.request({ ":method": "POST", ":path": "/upload" });
      let b = "";
      r.on("data", (d: Buffer) => (b += d.toString()));
      r.on("end", () => {
        c.close();
        resolve(b);
      });
      r.on("error", reject);
      // Two DATA frames, no content-length: the proxy cannot know the length up front.
      r.write("hello, ");
      r.end("x".repeat(100_000));
    });
    expect(text).toBe(`te=chunked cl=undefined len=${7 + 100_000} body=hello, xxxxx`);
  });

  it("translates HTTP/1.1 downstream to an h2c upstream when the cluster asks for HTTP/2", async () => {
    const port = await h2Server((req, res) => res.end(`authority=${req.headers[":authority"]} v=${req.httpVersion}`));
    const { base } = await startProxy(prefixRoutes([{ prefix: "/", cluster: "h2" }]), [staticClusterJson("h2", [port], H2_OPTIONS)]);
    const text = await new Promise<string>((resolve, reject) => {
      http.get(`${base}/x`, { headers: { host: "svc.test" } }, (res) => {
        let b = "";
        res.on("data", (c) => (b += c));
        res.on("end", () => resolve(b));
      }).on("error", reject);
    });
    expect(text).toBe("authority=svc.test v=2.0");
  });

  it("carries real gRPC end to end, trailers and error statuses included, and tap sees grpc-status", async () => {
    const routes = (router: ConnectRouter) =>
      router.service(MeshService, {
        listProxies(req, ctx) {
          if (ctx.requestHeader.get("x-fail")) throw new ConnectError("no proxies for you", Code.NotFound);
          return { proxies: [create(ProxySchema, { id: "upstream-proxy", role: ProxyRole.SIDECAR })] };
        },
      });
    const grpcServer = http2.createServer(connectNodeAdapter({ routes }));
    await new Promise<void>((r) => grpcServer.listen(0, "127.0.0.1", r));
    cleanup(() => new Promise((r) => grpcServer.close(() => r())));
    const port = (grpcServer.address() as AddressInfo).port;
    const { base, proxy } = await startProxy([{ match: { prefix: "/", grpc: {} }, route: { cluster: "grpc" } }], [staticClusterJson("grpc", [port], H2_OPTIONS)]);
    const events: TapEvent[] = [];
    proxy.taps.register(createTap({ limit: 2, match: compileTapMatch(undefined), extractHeaders: false, emit: (e) => events.push(decodeTapEvent(e)), onComplete: () => {} }));
    const transport = createGrpcTransport({ baseUrl: base });
    const client = createClient(MeshService, transport);
    const ok = await client.listProxies({});
    expect(ok.proxies[0]!.id).toBe("upstream-proxy");
    const err = await client.listProxies({}, { headers: { "x-fail": "1" } }).catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.NotFound);
    expect((err as ConnectError).rawMessage).toBe("no proxies for you");
    await new Promise((r) => setTimeout(r, 20));
    const ends = events.filter((e) => e.event.case === "responseEnd").map((e) => (e.event.case === "responseEnd" ? e.event.value.eos : undefined));
    expect(ends).toEqual([
      { case: "grpcStatusCode", value: 0 },
      { case: "grpcStatusCode", value: 5 },
    ]);
  });
});
