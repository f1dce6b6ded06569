// The ADS server's push path and lifecycle over real loopback sockets: make-before-break push order,
// convergence time, a throwing generator, disconnects, keepalive, status events, stop(), and hostile input.

import { create, toBinary } from "@bufbuild/protobuf";
import { once } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DiscoveryRequestSchema, type DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createAdsServer, type AdsServer, type AdsServerOptions } from "./ads-server";
import { cluster, endpoints, eventually, fakeGenerator, node, openSotw, type FakeGenerator, type RawStream, type SotwReq } from "./xds-test-util";
import { TYPE_URL, XDS_TYPES, type ProxyStatus, type XdsType } from "./xds-types";

let server: AdsServer | undefined;
let streams: RawStream<SotwReq, DiscoveryResponse>[] = [];
let logs: string[] = [];
let rawSessions: http2.ClientHttp2Session[] = [];

const ADS_PATH = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";
const GRPC_HEADERS = { ":method": "POST", ":path": ADS_PATH, "content-type": "application/grpc", te: "trailers" };

/** A gRPC length-prefixed message. */
function frame(payload: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

afterEach(async () => {
  for (const s of rawSessions) s.destroy();
  rawSessions = [];
  for (const s of streams) s.close();
  streams = [];
  await server?.stop();
  server = undefined;
  logs = [];
});

async function start(gen: FakeGenerator, extra: Partial<AdsServerOptions> = {}) {
  server = createAdsServer({ port: 0, generator: gen, log: (_l, msg) => logs.push(msg), ...extra });
  const addr = await server.start();
  return { addr, srv: server };
}

function connect(addr: string) {
  const s = openSotw(addr);
  streams.push(s);
  return s;
}

/** A raw gRPC stream that subscribes to CDS and never reads: flow control stalls the server's writes. */
function openStuckStream(addr: string) {
  const session = http2.connect(`http://${addr}`);
  session.on("error", () => {});
  rawSessions.push(session);
  const stuck = session.request(GRPC_HEADERS);
  stuck.pause();
  stuck.on("error", () => {});
  stuck.write(frame(toBinary(DiscoveryRequestSchema, create(DiscoveryRequestSchema, { node: node("stuck"), typeUrl: TYPE_URL.cluster }))));
}

/** Subscribes to `type` and ACKs the response. */
async function subscribeAndAck(s: RawStream<SotwReq, DiscoveryResponse>, type: XdsType, names: string[] = [], withNode?: string) {
  s.send({ node: withNode ? node(withNode) : undefined, typeUrl: TYPE_URL[type], resourceNames: names });
  const r = await s.next();
  expect(r.typeUrl).toBe(TYPE_URL[type]);
  s.send({ typeUrl: TYPE_URL[type], resourceNames: names, versionInfo: r.versionInfo, responseNonce: r.nonce });
  return r;
}

const all = new Set<XdsType>(XDS_TYPES);
const allResources = () => ({ cluster: [cluster("c")], endpoint: [endpoints("c")], listener: [], route: [] });

describe("ADS server push", () => {
  it("pushes CDS, EDS, LDS, RDS in that order and the ACK records convergence time", async () => {
    const { addr, srv } = await start(fakeGenerator(allResources()));
    const s = connect(addr);
    await subscribeAndAck(s, "listener", [], "p1");
    await subscribeAndAck(s, "route", ["r"]);
    await subscribeAndAck(s, "cluster");
    await subscribeAndAck(s, "endpoint", ["c"]);
    await eventually(() => srv.status()[0]?.types.every((t) => t.state === "SYNCED"), "all SYNCED");
    const before = srv.metrics().pushes;

    const changedAt = Date.now() - 40;
    await srv.push({ types: all, changedAt, reason: "test" });
    const got = [await s.next(), await s.next(), await s.next(), await s.next()];
    expect(got.map((r) => r.typeUrl)).toEqual([TYPE_URL.cluster, TYPE_URL.endpoint, TYPE_URL.listener, TYPE_URL.route]);
    expect(srv.metrics().pushes).toEqual({ cds: before.cds + 1, eds: before.eds + 1, lds: before.lds + 1, rds: before.rds + 1 });
    for (const r of got) s.send({ typeUrl: r.typeUrl, versionInfo: r.versionInfo, responseNonce: r.nonce, resourceNames: r.typeUrl === TYPE_URL.route ? ["r"] : r.typeUrl === TYPE_URL.endpoint ? ["c"] : [] });

    const p = await eventually(() => {
      const st = srv.status()[0];
      return st?.types.every((t) => t.state === "SYNCED" && t.convergenceMs >= 0) && st;
    }, "converged");
    for (const t of p.types) {
      expect(t.convergenceMs).toBeGreaterThanOrEqual(40);
      expect(t.ackedVersion).toBe(t.sentVersion);
    }
    expect(srv.metrics().convergence.count).toBe(4);
    expect(srv.prometheusText()).toContain("pilot_proxy_convergence_time_count 4");
  });

  it("only pushes the requested types to proxies subscribed to them, with bounded concurrency", async () => {
    const { addr, srv } = await start(fakeGenerator(allResources()), { pushConcurrency: 1 });
    const a = connect(addr);
    const b = connect(addr);
    const c = connect(addr);
    await subscribeAndAck(a, "cluster", [], "a");
    await subscribeAndAck(b, "cluster", [], "b");
    await subscribeAndAck(c, "listener", [], "c");
    await srv.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: "test" });
    expect((await a.next()).typeUrl).toBe(TYPE_URL.cluster);
    expect((await b.next()).typeUrl).toBe(TYPE_URL.cluster);
    // c was not pushed: its next message answers a new subscription.
    c.send({ typeUrl: TYPE_URL.route, resourceNames: ["r"] });
    expect((await c.next()).typeUrl).toBe(TYPE_URL.route);
  });

  it("survives a generator that throws for one proxy, logging and counting it", async () => {
    const gen = fakeGenerator(allResources());
    const { addr, srv } = await start(gen);
    const bad = connect(addr);
    const good = connect(addr);
    await subscribeAndAck(bad, "cluster", [], "bad");
    await subscribeAndAck(good, "cluster", [], "good");
    gen.failFor = "bad";
    await srv.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: "test" });
    expect((await good.next()).typeUrl).toBe(TYPE_URL.cluster);
    expect(srv.metrics().pushErrors.cds).toBe(1);
    expect(logs.some((l) => l.includes("generator failure for bad"))).toBe(true);
    gen.failFor = undefined;
    await srv.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: "test" });
    expect((await bad.next()).typeUrl).toBe(TYPE_URL.cluster);
  });
});

describe("ADS server lifecycle", () => {
  it("reports connects and disconnects through status(), onStatus and pilot_xds", async () => {
    const { addr, srv } = await start(fakeGenerator(allResources()));
    const seen: ProxyStatus[][] = [];
    const off = srv.onStatus((s) => seen.push(s));
    const s = connect(addr);
    await subscribeAndAck(s, "cluster", [], "p1");
    await eventually(() => seen.at(-1)?.[0]?.types[0]?.state === "SYNCED", "SYNCED event");
    expect(srv.metrics().connected).toBe(1);
    s.close();
    await eventually(() => srv.status().length === 0 && seen.at(-1)?.length === 0, "removal");
    expect(srv.metrics().connected).toBe(0);
    expect(srv.prometheusText()).toContain("pilot_xds 0");
    off();
  });

  it("stop() ends open streams and resolves promptly", async () => {
    const { addr, srv } = await start(fakeGenerator(allResources()));
    const s = connect(addr);
    await subscribeAndAck(s, "cluster", [], "p1");
    const t0 = Date.now();
    await srv.stop();
    expect(Date.now() - t0).toBeLessThan(900);
    await expect(s.next(2000)).rejects.toThrow("xDS stream ended"); // a clean end (OK), not an error
    expect(srv.status()).toHaveLength(0);
  });

  it("rejects malformed and oversized messages without crashing", async () => {
    const { addr } = await start(fakeGenerator(allResources()), { readMaxBytes: 1024 });
    const rawCall = async (body: Buffer) => {
      const session = http2.connect(`http://${addr}`);
      try {
        const req = session.request(GRPC_HEADERS);
        let status: string | undefined;
        req.on("response", (h) => (status ??= h["grpc-status"] as string | undefined));
        req.on("trailers", (t) => (status = t["grpc-status"] as string | undefined));
        req.resume();
        req.end(body);
        await once(req, "close");
        return status;
      } finally {
        session.close();
      }
    };
    expect(await rawCall(frame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])))).not.toBe("0");
    expect(await rawCall(frame(Buffer.alloc(4096, 0x0a)))).toBe("8"); // RESOURCE_EXHAUSTED
    expect(await rawCall(Buffer.from([0, 0, 0]))).not.toBe("0"); // truncated envelope
    const s = connect(addr);
    await subscribeAndAck(s, "cluster", [], "after");
  });

  it("disconnects a proxy that stops reading once a push is not written within sendTimeoutMs", async () => {
    const { addr, srv } = await start(fakeGenerator({ cluster: [cluster("x".repeat(300_000))] }), { sendTimeoutMs: 200 });
    openStuckStream(addr);
    const good = connect(addr);
    await subscribeAndAck(good, "cluster", [], "good");
    await eventually(() => srv.status().some((p) => p.node.id === "stuck"), "stuck proxy connected");
    await srv.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: "test" });
    expect((await good.next()).typeUrl).toBe(TYPE_URL.cluster);
    expect(logs.some((l) => l.includes("not written within 200ms"))).toBe(true);
    await eventually(() => srv.status().every((p) => p.node.id !== "stuck"), "stuck proxy removed");
    expect(srv.metrics().connected).toBe(1);
  });

  it("closes a connection whose peer never answers keepalive PINGs, and keeps one that answers", async () => {
    const { addr, srv } = await start(fakeGenerator({ cluster: [cluster("c1")] }), { keepalive: { intervalMs: 50, timeoutMs: 100 } });
    const good = connect(addr);
    await subscribeAndAck(good, "cluster", [], "good");
    // A peer that completed the HTTP/2 handshake and then went silent (its host vanished, say).
    const colon = addr.lastIndexOf(":");
    const silent = net.connect(Number(addr.slice(colon + 1)), addr.slice(0, colon));
    silent.on("error", () => {});
    silent.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    silent.resume();
    await once(silent, "close");
    expect(logs.some((l) => l.includes("did not answer a keepalive PING within 100ms"))).toBe(true);
    // The good stream was PINGed as often (it connected first) and answered every time.
    expect(srv.status().map((p) => p.node.id)).toEqual(["good"]);
  });

  it("does not let a proxy that stopped reading hold up the next pushes to the others", async () => {
    // A send timeout far longer than the test: the stuck proxy stays connected with its push unwritten.
    const { addr, srv } = await start(fakeGenerator({ cluster: [cluster("x".repeat(300_000))] }), { sendTimeoutMs: 600_000, pushWaitMs: 50 });
    openStuckStream(addr);
    const good = connect(addr);
    await subscribeAndAck(good, "cluster", [], "good");
    await eventually(() => srv.status().some((p) => p.node.id === "stuck"), "stuck proxy connected");
    const versions: string[] = [];
    for (let i = 0; i < 3; i++) {
      await srv.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: `change ${i}` });
      versions.push((await good.next()).versionInfo);
    }
    expect(new Set(versions).size).toBe(3);
    expect(srv.status().map((p) => p.node.id)).toEqual(["good", "stuck"]);
  });

  it("stop() also ends a stream whose client stopped reading", async () => {
    const { addr, srv } = await start(fakeGenerator({ cluster: [cluster("x".repeat(300_000))] }));
    openStuckStream(addr);
    await eventually(() => srv.status()[0]?.types[0]?.state === "STALE", "stuck proxy sent to");
    const t0 = Date.now();
    await srv.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(srv.status()).toHaveLength(0);
    expect(srv.metrics().connected).toBe(0);
  });
});
