// The lean gRPC layer the ADS server uses without response compression, over real loopback sockets:
// plain gRPC calls are served by it (Connect's client and raw HTTP/2 frames), malformed, oversized and
// truncated messages end the call with an error status, a missing node is InvalidArgument, stop() ends
// streams with OK, and a proxy that stops reading is cut by the send timeout.

import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { once } from "node:events";
import http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { DiscoveryRequestSchema, type DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createAdsServer, type AdsServer, type AdsServerOptions } from "./ads-server";
import { ADS_PATHS } from "./stream-host";
import { cluster, eventually, fakeGenerator, node, openSotw, type RawStream, type SotwReq } from "./xds-test-util";
import { TYPE_URL, type XdsType } from "./xds-types";

let server: AdsServer | undefined;
let streams: RawStream<SotwReq, DiscoveryResponse>[] = [];
let sessions: http2.ClientHttp2Session[] = [];
let logs: string[] = [];

afterEach(async () => {
  for (const s of sessions) s.destroy();
  for (const s of streams) s.close();
  sessions = [];
  streams = [];
  await server?.stop();
  server = undefined;
  logs = [];
});

async function start(extra: Partial<AdsServerOptions> = {}, resources = [cluster("c")]) {
  server = createAdsServer({ port: 0, generator: fakeGenerator({ cluster: resources }), compressResponses: false, log: (_l, m) => logs.push(m), ...extra });
  return { addr: await server.start(), srv: server };
}

const frame = (payload: Uint8Array) => {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
};

/** One raw call: returns the grpc-status it ended with. */
async function rawCall(addr: string, body: Buffer): Promise<string | undefined> {
  const session = http2.connect(`http://${addr}`);
  session.on("error", () => {});
  sessions.push(session);
  const req = session.request({ ":method": "POST", ":path": ADS_PATHS.sotw, "content-type": "application/grpc", te: "trailers" });
  let status: string | undefined;
  req.on("response", (h) => (status ??= h["grpc-status"] as string | undefined));
  req.on("trailers", (t) => (status = t["grpc-status"] as string | undefined));
  req.on("error", () => {});
  req.resume();
  req.end(body);
  await once(req, "close");
  return status;
}

describe("lean gRPC ADS layer", () => {
  it("serves SotW subscriptions and ACKs", async () => {
    const { addr, srv } = await start();
    const s = openSotw(addr);
    streams.push(s);
    s.send({ node: node("p1"), typeUrl: TYPE_URL.cluster });
    const r = await s.next();
    expect([r.typeUrl, r.resources.length]).toEqual([TYPE_URL.cluster, 1]);
    s.send({ typeUrl: TYPE_URL.cluster, versionInfo: r.versionInfo, responseNonce: r.nonce });
    await eventually(() => srv.status()[0]?.types[0]?.state === "SYNCED", "SYNCED");
  });

  it("ends calls with malformed, oversized or truncated messages with an error status", async () => {
    const { addr } = await start({ readMaxBytes: 1024 });
    expect(await rawCall(addr, frame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])))).toBe(String(Code.Internal));
    expect(await rawCall(addr, frame(Buffer.alloc(4096, 0x0a)))).toBe(String(Code.ResourceExhausted));
    expect(await rawCall(addr, Buffer.from([0, 0, 0]))).toBe(String(Code.InvalidArgument));
    const ok = toBinary(DiscoveryRequestSchema, create(DiscoveryRequestSchema, { node: node("raw"), typeUrl: TYPE_URL.listener }));
    expect(await rawCall(addr, frame(ok))).toBe("0");
  });

  it("ends a stream whose first request has no node with InvalidArgument", async () => {
    const { addr } = await start();
    const s = openSotw(addr);
    streams.push(s);
    s.send({ typeUrl: TYPE_URL.cluster });
    const err = await s.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ConnectError.from(err).code).toBe(Code.InvalidArgument);
  });

  it("stop() ends open streams with OK", async () => {
    const { addr, srv } = await start();
    const s = openSotw(addr);
    streams.push(s);
    s.send({ node: node("p1"), typeUrl: TYPE_URL.cluster });
    await s.next();
    await srv.stop();
    await expect(s.next(2000)).rejects.toThrow("xDS stream ended");
  });

  it("disconnects a proxy that stops reading once a push is not written within sendTimeoutMs", async () => {
    const { addr, srv } = await start({ sendTimeoutMs: 200 }, [cluster("x".repeat(300_000))]);
    const session = http2.connect(`http://${addr}`);
    session.on("error", () => {});
    sessions.push(session);
    const stuck = session.request({ ":method": "POST", ":path": ADS_PATHS.sotw, "content-type": "application/grpc", te: "trailers" });
    stuck.pause();
    stuck.on("error", () => {});
    stuck.write(frame(toBinary(DiscoveryRequestSchema, create(DiscoveryRequestSchema, { node: node("stuck"), typeUrl: TYPE_URL.cluster }))));
    await eventually(() => srv.status().some((p) => p.node.id === "stuck"), "stuck proxy connected");
    await srv.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: "test" });
    expect(logs.some((l) => l.includes("not written within 200ms"))).toBe(true);
    await eventually(() => srv.status().length === 0, "stuck proxy removed");
  });
});
