// Pushes with skipUnchanged (as the control plane runs the ADS server): a type whose bytes did not change
// is not resent, RDS/EDS pushes carry only the changed resources, and every (re)subscription or
// subscription change, NACK or unacknowledged response still gets the full answer. Over the lean gRPC
// path (compressResponses: false).

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterLoadAssignmentSchema } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import type { DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createAdsServer, type AdsServer } from "./ads-server";
import { cluster, eventually, fakeGenerator, node, openSotw, type FakeGenerator, type RawStream, type SotwReq } from "./xds-test-util";
import { TYPE_URL, type GeneratedResource, type XdsType } from "./xds-types";

let server: AdsServer | undefined;
let streams: RawStream<SotwReq, DiscoveryResponse>[] = [];

afterEach(async () => {
  for (const s of streams) s.close();
  streams = [];
  await server?.stop();
  server = undefined;
});

/** A load assignment whose bytes depend on `port`. */
const cla = (name: string, port = 80): GeneratedResource => ({
  name,
  resource: anyPack(ClusterLoadAssignmentSchema, create(ClusterLoadAssignmentSchema, { clusterName: name, endpoints: [{ lbEndpoints: [{ hostIdentifier: { case: "endpoint", value: { address: { address: { case: "socketAddress", value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: port } } } } } } }] }] })),
});

async function start(gen: FakeGenerator) {
  server = createAdsServer({ port: 0, generator: gen, skipUnchanged: true, compressResponses: false, log: () => {} });
  const s = openSotw(await server.start());
  streams.push(s);
  return { s, srv: server };
}

const push = (srv: AdsServer, ...types: XdsType[]) => srv.push({ types: new Set(types), changedAt: Date.now(), reason: "test" });
const count = (r: DiscoveryResponse) => r.resources.length;
const typeStatus = (srv: AdsServer, type: XdsType) => srv.status()[0]?.types.find((t) => t.type === type);

/** Subscribes and ACKs; returns the response. */
async function subscribe(s: RawStream<SotwReq, DiscoveryResponse>, type: XdsType, resourceNames: string[], first = false) {
  s.send({ node: first ? node("p1") : undefined, typeUrl: TYPE_URL[type], resourceNames });
  const r = await s.next();
  expect(r.typeUrl).toBe(TYPE_URL[type]);
  s.send({ typeUrl: TYPE_URL[type], resourceNames, versionInfo: r.versionInfo, responseNonce: r.nonce });
  return r;
}

describe("ADS pushes with skipUnchanged", () => {
  it("does not resend a type whose bytes are unchanged; the proxy keeps its version and stays SYNCED", async () => {
    const gen = fakeGenerator({ cluster: [cluster("c1")], listener: [] });
    const { s, srv } = await start(gen);
    const cds = await subscribe(s, "cluster", [], true);
    await eventually(() => typeStatus(srv, "cluster")?.state === "SYNCED", "CDS SYNCED");
    gen.resources.cluster = [cluster("c1")]; // new objects, same bytes
    await push(srv, "cluster");
    // Had CDS been resent, it would arrive before the answer to this new subscription.
    s.send({ typeUrl: TYPE_URL.listener });
    expect((await s.next()).typeUrl).toBe(TYPE_URL.listener);
    expect(typeStatus(srv, "cluster")).toMatchObject({ state: "SYNCED", ackedVersion: cds.versionInfo, sentNonce: cds.nonce });

    gen.resources.cluster = [cluster("c1", 2)];
    await push(srv, "cluster");
    const changed = await s.next();
    expect([changed.typeUrl, changed.resources.length]).toEqual([TYPE_URL.cluster, 1]);
    expect(Number(changed.versionInfo)).toBeGreaterThan(Number(cds.versionInfo));
  });

  it("pushes only the load assignments that changed, and answers a new subscription with every name", async () => {
    const gen = fakeGenerator({ endpoint: [cla("a"), cla("b"), cla("c"), cla("d")] });
    const { s, srv } = await start(gen);
    const first = await subscribe(s, "endpoint", ["a", "b", "c"], true);
    expect(count(first)).toBe(3);
    await eventually(() => typeStatus(srv, "endpoint")?.state === "SYNCED", "EDS SYNCED");

    gen.resources.endpoint = [cla("a"), cla("b", 81), cla("c"), cla("d")];
    await push(srv, "endpoint");
    const partial = await s.next();
    expect(partial.resources.map((a) => a.value)).toEqual([cla("b", 81).resource.value]);
    expect(typeStatus(srv, "endpoint")).toMatchObject({ state: "STALE", resourceCount: 3 });
    s.send({ typeUrl: TYPE_URL.endpoint, resourceNames: ["a", "b", "c"], versionInfo: partial.versionInfo, responseNonce: partial.nonce });
    await eventually(() => typeStatus(srv, "endpoint")?.ackedVersion === partial.versionInfo, "partial ACKed");

    // A subscription change is answered in full, unchanged resources included.
    s.send({ typeUrl: TYPE_URL.endpoint, resourceNames: ["a", "b", "c", "d"], versionInfo: partial.versionInfo, responseNonce: partial.nonce });
    const full = await s.next();
    expect(full.resources.map((a) => a.value)).toEqual(["a", "b", "c", "d"].map((n) => (n === "b" ? cla("b", 81) : cla(n)).resource.value));
  });

  it("sends the full set again after a NACK, and to a proxy that has not ACKed its last response", async () => {
    const gen = fakeGenerator({ endpoint: [cla("a"), cla("b")] });
    const { s, srv } = await start(gen);
    const first = await subscribe(s, "endpoint", ["a", "b"], true);
    await eventually(() => typeStatus(srv, "endpoint")?.state === "SYNCED", "EDS SYNCED");

    gen.resources.endpoint = [cla("a", 90), cla("b")];
    await push(srv, "endpoint");
    const partial = await s.next();
    expect(count(partial)).toBe(1);
    s.send({ typeUrl: TYPE_URL.endpoint, resourceNames: ["a", "b"], versionInfo: first.versionInfo, responseNonce: partial.nonce, errorDetail: { code: 3, message: "bad a" } });
    await eventually(() => typeStatus(srv, "endpoint")?.state === "ERROR", "NACK recorded");

    gen.resources.endpoint = [cla("a", 91), cla("b")];
    await push(srv, "endpoint");
    const afterNack = await s.next();
    expect(count(afterNack)).toBe(2);
    // Not ACKed (STALE): the next push is full as well, even with unchanged bytes.
    await push(srv, "endpoint");
    const again = await s.next();
    expect(count(again)).toBe(2);
    expect(again.nonce).not.toBe(afterNack.nonce);
  });
});
