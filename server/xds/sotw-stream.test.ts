// SotW protocol rules over real loopback sockets with a raw Connect gRPC client: subscribe/ACK (and no
// reply to a plain ACK), stale nonces, NACKs, subscription changes, unknown types and missing node.

import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { createAdsServer, type AdsServer } from "./ads-server";
import type { XdsLogLevel } from "./proxy-connection";
import { cluster, endpoints, eventually, fakeGenerator, node, openSotw, type FakeGenerator, type RawStream, type SotwReq } from "./xds-test-util";
import { TYPE_URL, type ProxyStatus, type XdsType } from "./xds-types";
import type { DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";

let server: AdsServer | undefined;
let streams: RawStream<SotwReq, DiscoveryResponse>[] = [];
let logs: { level: XdsLogLevel; msg: string }[] = [];

afterEach(async () => {
  for (const s of streams) s.close();
  streams = [];
  await server?.stop();
  server = undefined;
  logs = [];
});

async function start(gen: FakeGenerator) {
  server = createAdsServer({ port: 0, generator: gen, log: (level, msg) => logs.push({ level, msg }) });
  const addr = await server.start();
  const s = openSotw(addr);
  streams.push(s);
  return { addr, s, srv: server };
}

function typeStatus(srv: AdsServer, type: XdsType, id = "sidecar~10.0.0.1~a.default~default.svc.cluster.local") {
  return srv.status().find((p: ProxyStatus) => p.node.id === id)?.types.find((t) => t.type === type);
}

const ID = "sidecar~10.0.0.1~a.default~default.svc.cluster.local";

describe("SotW ADS stream", () => {
  it("answers a subscription, records the ACK, and never answers a plain ACK", async () => {
    const { s, srv } = await start(fakeGenerator({ cluster: [cluster("c1"), cluster("c2")], listener: [] }));
    s.send({ node: node(ID), typeUrl: TYPE_URL.cluster });
    const cds = await s.next();
    expect(cds.typeUrl).toBe(TYPE_URL.cluster);
    expect(cds.resources).toHaveLength(2);
    expect(cds.versionInfo).not.toBe("");
    expect(cds.nonce).not.toBe("");
    expect(typeStatus(srv, "cluster")?.state).toBe("STALE");

    s.send({ typeUrl: TYPE_URL.cluster, versionInfo: cds.versionInfo, responseNonce: cds.nonce });
    // If the ACK were answered, that answer would arrive before the LDS response.
    s.send({ typeUrl: TYPE_URL.listener });
    const next = await s.next();
    expect(next.typeUrl).toBe(TYPE_URL.listener);
    const st = typeStatus(srv, "cluster");
    expect(st).toMatchObject({ state: "SYNCED", ackedVersion: cds.versionInfo, sentNonce: cds.nonce, resourceCount: 2 });
    expect(srv.status()[0]).toMatchObject({ kind: "sidecar", protocol: "sotw", node: { id: ID, cluster: "test" } });
  });

  it("ignores requests carrying a stale nonce, ACK or NACK", async () => {
    const { s, srv } = await start(fakeGenerator({ cluster: [cluster("c1")], listener: [] }));
    s.send({ node: node(ID), typeUrl: TYPE_URL.cluster });
    const first = await s.next();
    await srv.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: "test" });
    const second = await s.next();
    expect(second.nonce).not.toBe(first.nonce);
    expect(Number(second.versionInfo)).toBeGreaterThan(Number(first.versionInfo));

    s.send({ typeUrl: TYPE_URL.cluster, versionInfo: first.versionInfo, responseNonce: first.nonce });
    s.send({ typeUrl: TYPE_URL.cluster, responseNonce: first.nonce, errorDetail: { code: 3, message: "old" } });
    s.send({ typeUrl: TYPE_URL.cluster, responseNonce: "nobody-sent-this", resourceNames: ["x"] });
    s.send({ typeUrl: TYPE_URL.listener });
    expect((await s.next()).typeUrl).toBe(TYPE_URL.listener);
    expect(typeStatus(srv, "cluster")).toMatchObject({ state: "STALE", ackedVersion: "", error: "", sentNonce: second.nonce });
    expect(srv.metrics().rejects.cds).toBe(0);

    s.send({ typeUrl: TYPE_URL.cluster, versionInfo: second.versionInfo, responseNonce: second.nonce });
    await eventually(() => typeStatus(srv, "cluster")?.state === "SYNCED", "SYNCED");
  });

  it("records a NACK as ERROR with its message, counts it and does not resend", async () => {
    const { s, srv } = await start(fakeGenerator({ cluster: [cluster("c1")], listener: [] }));
    s.send({ node: node(ID), typeUrl: TYPE_URL.cluster });
    const cds = await s.next();
    s.send({ typeUrl: TYPE_URL.cluster, versionInfo: "", responseNonce: cds.nonce, errorDetail: { code: 13, message: "cluster c1: bad lb_policy" } });
    s.send({ typeUrl: TYPE_URL.listener });
    expect((await s.next()).typeUrl).toBe(TYPE_URL.listener);
    expect(typeStatus(srv, "cluster")).toMatchObject({ state: "ERROR", error: "cluster c1: bad lb_policy", ackedVersion: "" });
    expect(srv.metrics().rejects.cds).toBe(1);
    expect(logs.some((l) => l.level === "warn" && l.msg.includes("bad lb_policy"))).toBe(true);
  });

  it("answers an ACK whose resource names changed with the new set, filtered to the names", async () => {
    const { s, srv } = await start(fakeGenerator({ endpoint: [endpoints("a"), endpoints("b"), endpoints("c")] }));
    s.send({ node: node(ID), typeUrl: TYPE_URL.endpoint, resourceNames: ["a"] });
    const one = await s.next();
    expect(one.resources).toHaveLength(1);
    s.send({ typeUrl: TYPE_URL.endpoint, versionInfo: one.versionInfo, responseNonce: one.nonce, resourceNames: ["b", "a"] });
    const two = await s.next();
    expect(two.typeUrl).toBe(TYPE_URL.endpoint);
    expect(two.resources).toHaveLength(2);
    expect(typeStatus(srv, "endpoint")).toMatchObject({ state: "STALE", ackedVersion: one.versionInfo, resourceCount: 2 });
    // Same names in another order: a plain ACK.
    s.send({ typeUrl: TYPE_URL.endpoint, versionInfo: two.versionInfo, responseNonce: two.nonce, resourceNames: ["a", "b"] });
    s.send({ typeUrl: TYPE_URL.cluster });
    expect((await s.next()).typeUrl).toBe(TYPE_URL.cluster);
  });

  it("ignores unknown type URLs but logs them", async () => {
    const { s } = await start(fakeGenerator({ cluster: [] }));
    s.send({ node: node(ID), typeUrl: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret" });
    s.send({ typeUrl: TYPE_URL.cluster });
    expect((await s.next()).typeUrl).toBe(TYPE_URL.cluster);
    expect(logs.some((l) => l.msg.includes("unknown type URL"))).toBe(true);
  });

  it("ends a stream whose first request has no node with InvalidArgument", async () => {
    const { s, srv } = await start(fakeGenerator());
    s.send({ typeUrl: TYPE_URL.cluster });
    const err = await s.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ConnectError.from(err).code).toBe(Code.InvalidArgument);
    expect(srv.status()).toHaveLength(0);
  });

  it("classifies proxies: proxyless by GENERATOR or host:port listener names, gateways by router~", async () => {
    const { addr, s, srv } = await start(fakeGenerator());
    s.send({ node: node("router~10.0.0.2~ingress.istio-system~cluster.local"), typeUrl: TYPE_URL.cluster });
    const g = openSotw(addr);
    const p = openSotw(addr);
    streams.push(g, p);
    g.send({ node: node("grpc-client", { GENERATOR: "grpc" }), typeUrl: TYPE_URL.cluster });
    p.send({ node: node("plain"), typeUrl: TYPE_URL.listener, resourceNames: ["echo.default.svc.cluster.local:7070"] });
    await Promise.all([s.next(), g.next(), p.next()]);
    const kinds = Object.fromEntries(srv.status().map((x) => [x.node.id, x.kind]));
    expect(kinds).toEqual({ "router~10.0.0.2~ingress.istio-system~cluster.local": "gateway", "grpc-client": "proxyless", plain: "proxyless" });
  });
});
