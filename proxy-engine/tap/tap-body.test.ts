// Tap through a real proxy on loopback: body capture (redacted, truncated, byte-identical pass-through on
// HTTP/1.1 and h2c, compressed bodies withheld), local-reply bodies, trailers redacted, retry attempts and
// request bytes, hostile grpc-status trailers, HTTP/2 pseudo-headers, and response headers as sent.

import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import http from "node:http";
import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach } from "../test-util/cleanup";
import { startUpstream } from "../test-util/upstream";
import { REDACTED } from "./redact";
import { byCase, collectTap, responseEndOf, send, startTapProxy } from "./tap-fixture";
import type { TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";

const cleanup = cleanupAfterEach();
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** An upstream that records each request body's hash and answers with `reply(body)`. */
async function echoUpstream(reply: (body: Buffer, req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: string[] = [];
  const up = await startUpstream("echo", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push(sha(body));
      reply(body, req, res);
    });
  });
  cleanup(up.close);
  return { port: up.port, seen };
}

async function proxyTo(port: number, route: object = {}) {
  const p = await startTapProxy({ listeners: [{ name: "ingress", routes: [{ name: "all", match: { prefix: "/" }, route: { cluster: "up", ...route } }] }], clusters: { up: [port] } });
  cleanup(() => p.proxy.stop(100));
  return p;
}

describe("tap body capture", () => {
  it("captures at most body_bytes of each body, redacted, while both sides get every byte unchanged", async () => {
    const response = Buffer.from(`{"token":"resp-secret","data":"${randomBytes(100_000).toString("base64url")}"}`);
    const up = await echoUpstream((_body, _req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(response);
    });
    const { proxy, url } = await proxyTo(up.port);
    const t = collectTap([proxy], { limit: 1, bodyBytes: 64 });
    const request = Buffer.from(`{"user":"ann","password":"hunter2","blob":"${"x".repeat(300_000)}"}`);
    const got = await send(`${url()}/login`, { body: request, headers: { "content-type": "application/json" } });
    await t.completed;
    expect(up.seen).toEqual([sha(request)]);
    expect(sha(got.body)).toBe(sha(response));
    const end = responseEndOf(byCase(t.events, "responseEnd")[0]);
    expect(end.requestBytes).toBe(BigInt(request.length));
    expect(end.responseBytes).toBe(BigInt(response.length));
    const rq = end.requestBody!;
    expect(Buffer.from(rq.data).toString()).toBe(`{"user":"ann","password":"${REDACTED}","blob":"${"x".repeat(64 - '{"user":"ann","password":"hunter2","blob":"'.length)}`);
    expect(rq).toMatchObject({ truncated: true, totalBytes: BigInt(request.length), redacted: true, contentType: "application/json" });
    const rs = end.responseBody!;
    expect(Buffer.from(rs.data).toString().startsWith(`{"token":"${REDACTED}","data":"`)).toBe(true);
    expect(rs).toMatchObject({ truncated: true, totalBytes: BigInt(response.length), redacted: true, contentType: "application/json" });
  });

  it("captures nothing but still counts bytes when body_bytes is 0", async () => {
    const up = await echoUpstream((body, _req, res) => res.end(body));
    const { proxy, url } = await proxyTo(up.port);
    const t = collectTap([proxy], { limit: 1 });
    await send(`${url()}/`, { body: "12345" });
    await t.completed;
    const end = responseEndOf(byCase(t.events, "responseEnd")[0]);
    expect(end.requestBytes).toBe(5n);
    expect(end.responseBytes).toBe(5n);
    expect(end.requestBody).toBeUndefined();
    expect(end.responseBody).toBeUndefined();
  });

  it("captures request bodies from HTTP/2 (h2c) downstreams without changing them", async () => {
    const up = await echoUpstream((body, _req, res) => res.end(`got ${body.length}`));
    const { proxy, url } = await proxyTo(up.port);
    const t = collectTap([proxy], { limit: 1, bodyBytes: 16 });
    const session = http2.connect(url());
    cleanup(() => void session.close());
    const payload = randomBytes(50_000);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = session.request({ ":method": "POST", ":path": "/h2", "content-type": "application/octet-stream" });
      let text = "";
      s.setEncoding("utf8");
      s.on("data", (d: string) => (text += d));
      s.on("end", () => resolve(text));
      s.on("error", reject);
      s.end(payload);
    });
    await t.completed;
    expect(reply).toBe("got 50000");
    expect(up.seen).toEqual([sha(payload)]);
    const end = responseEndOf(byCase(t.events, "responseEnd")[0]);
    expect(Buffer.from(end.requestBody!.data)).toEqual(payload.subarray(0, 16));
    expect(end.requestBody).toMatchObject({ truncated: true, totalBytes: 50_000n, contentType: "application/octet-stream" });
    expect(end.requestBytes).toBe(50_000n);
  });

  it("withholds a compressed body (its secrets cannot be redacted), while the client gets it unchanged", async () => {
    const gz = gzipSync(Buffer.from(`{"password":"hunter2","data":"${"y".repeat(2000)}"}`));
    const up = await echoUpstream((_b, _req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gz);
    });
    const { proxy, url } = await proxyTo(up.port);
    const t = collectTap([proxy], { limit: 1, bodyBytes: 1024 });
    const got = await send(`${url()}/gz`);
    await t.completed;
    expect(sha(got.body)).toBe(sha(gz));
    const body = responseEndOf(byCase(t.events, "responseEnd")[0]).responseBody!;
    expect(body.data.length).toBe(0);
    expect(body).toMatchObject({ redacted: true, totalBytes: BigInt(gz.length), contentType: "application/json" });
  });

  it("captures the body of a local reply", async () => {
    const { proxy, url } = await startTapProxy({ listeners: [{ routes: [{ match: { prefix: "/only" }, route: { cluster: "up" } }] }], clusters: { up: [1] } });
    cleanup(() => proxy.stop(100));
    const t = collectTap([proxy], { limit: 1, bodyBytes: 1024 });
    const got = await send(`${url()}/nowhere`);
    await t.completed;
    const end = responseEndOf(byCase(t.events, "responseEnd")[0]);
    expect(end.responseFlags).toBe("NR");
    expect(Buffer.from(end.responseBody!.data).toString()).toBe(got.body.toString());
    expect(got.body.toString()).toContain("no route matched GET /nowhere");
  });
});

describe("tap response details", () => {
  it("reports response trailers with secrets redacted", async () => {
    const up = await echoUpstream((_b, _req, res) => {
      res.writeHead(200, { "content-type": "text/plain", trailer: "x-checksum, authorization" });
      res.write("body");
      res.addTrailers({ "x-checksum": "abc123", authorization: "Bearer trailer-secret" });
      res.end();
    });
    const { proxy, url } = await proxyTo(up.port);
    const t = collectTap([proxy], { limit: 1, extractHeaders: true });
    const got = await send(`${url()}/t`, { headers: { te: "trailers" } });
    await t.completed;
    expect(got.trailers["x-checksum"]).toBe("abc123");
    const trailers = Object.fromEntries(responseEndOf(byCase(t.events, "responseEnd")[0]).trailers!.headers.map((h) => [h.name, h.value]));
    expect(trailers).toEqual({ "x-checksum": "abc123", authorization: REDACTED });
  });

  it("counts retry attempts and names the endpoint that answered", async () => {
    let calls = 0;
    const up = await echoUpstream((_b, _req, res) => {
      calls++;
      res.writeHead(calls <= 2 ? 503 : 200);
      res.end(calls <= 2 ? "busy" : "ok");
    });
    const { proxy, url } = await proxyTo(up.port, { retry_policy: { retry_on: "5xx", num_retries: 3, retry_back_off: { base_interval: "0.001s" } } });
    const t = collectTap([proxy], { limit: 1 });
    expect((await send(`${url()}/retry`)).status).toBe(200);
    await t.completed;
    const end = byCase(t.events, "responseEnd")[0]!;
    expect(responseEndOf(end).retryAttempts).toBe(2);
    expect(end.routeContext?.endpoint).toBe(`127.0.0.1:${up.port}`);
    expect(end.routeContext?.route).toBe("all");
  });

  it("leaves out a grpc-status trailer that is no uint32, and the events still decode", async () => {
    const up = await echoUpstream((_b, _req, res) => {
      res.writeHead(200, { "content-type": "application/grpc", trailer: "grpc-status" });
      res.write("x");
      res.addTrailers({ "grpc-status": "-1" });
      res.end();
    });
    const { proxy, url } = await proxyTo(up.port);
    // collectTap decodes every event: a corrupt varint would throw there.
    const t = collectTap([proxy], { limit: 1, extractHeaders: true });
    await send(`${url()}/bad-status`, { headers: { te: "trailers" } });
    await t.completed;
    const end = responseEndOf(byCase(t.events, "responseEnd")[0]);
    expect(end.eos.case).toBeUndefined();
    expect(end.trailers!.headers).toContainEqual(expect.objectContaining({ name: "grpc-status", value: "-1" }));
  });

  it("leaves HTTP/2 pseudo-headers, and with them the query string, out of extracted request headers", async () => {
    const up = await echoUpstream((_b, _req, res) => res.end("ok"));
    const { proxy, url } = await proxyTo(up.port);
    const t = collectTap([proxy], { limit: 1, extractHeaders: true });
    const session = http2.connect(url());
    cleanup(() => void session.close());
    await new Promise<void>((resolve, reject) => {
      const s = session.request({ ":method": "GET", ":path": "/h2?access_token=query-secret", "x-trace": "t1" });
      s.resume();
      s.on("end", resolve);
      s.on("error", reject);
    });
    await t.completed;
    const init = byCase(t.events, "requestInit")[0]!.event.value as Extract<TapEvent["event"], { case: "requestInit" }>["value"];
    expect(init.path).toBe("/h2");
    const names = init.headers!.headers.map((h) => h.name);
    expect(names).toContain("x-trace");
    expect(names.filter((n) => n.startsWith(":"))).toEqual([]);
    expect(JSON.stringify(init.headers)).not.toContain("query-secret");
  });

  it("shows the response headers as the client got them, after every other filter changed them", async () => {
    const up = await echoUpstream((_b, _req, res) => {
      res.writeHead(200, { "x-internal": "upstream-only" });
      res.end("ok");
    });
    const T = "type.googleapis.com/envoy.extensions.filters.http.";
    const { proxy, url } = await startTapProxy({
      listeners: [
        {
          routes: [{ match: { prefix: "/" }, route: { cluster: "up" } }],
          httpFilters: [
            {
              name: "envoy.filters.http.header_mutation",
              typed_config: { "@type": `${T}header_mutation.v3.HeaderMutation`, mutations: { response_mutations: [{ remove: "x-internal" }, { append: { header: { key: "x-proxied-by", value: "meshdash" } } }] } },
            },
          ],
        },
      ],
      clusters: { up: [up.port] },
    });
    cleanup(() => proxy.stop(100));
    const t = collectTap([proxy], { limit: 1, extractHeaders: true });
    const got = await send(`${url()}/`);
    await t.completed;
    expect(got.headers["x-internal"]).toBeUndefined();
    expect(got.headers["x-proxied-by"]).toBe("meshdash");
    const init = byCase(t.events, "responseInit")[0]!.event.value as Extract<TapEvent["event"], { case: "responseInit" }>["value"];
    const names = init.headers!.headers.map((h) => h.name);
    expect(names).toContain("x-proxied-by");
    expect(names).not.toContain("x-internal");
  });
});
