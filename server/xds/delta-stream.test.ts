// Delta xDS over real loopback sockets: only changed resources are sent, removals are listed,
// subscribe/unsubscribe and initial_resource_versions are honoured, and ACK/NACK work by nonce.

import { afterEach, describe, expect, it } from "vitest";
import type { DeltaDiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createAdsServer, type AdsServer } from "./ads-server";
import { resourceVersion } from "./delta-stream";
import { cluster, endpoints, eventually, fakeGenerator, node, openDelta, type DeltaReq, type FakeGenerator, type RawStream } from "./xds-test-util";
import { TYPE_URL, type XdsType } from "./xds-types";

let server: AdsServer | undefined;
let streams: RawStream<DeltaReq, DeltaDiscoveryResponse>[] = [];

afterEach(async () => {
  for (const s of streams) s.close();
  streams = [];
  await server?.stop();
  server = undefined;
});

async function start(gen: FakeGenerator) {
  server = createAdsServer({ port: 0, generator: gen, log: () => {} });
  const addr = await server.start();
  const s = openDelta(addr);
  streams.push(s);
  return { addr, s, srv: server };
}

const names = (r: DeltaDiscoveryResponse) => r.resources.map((x) => x.name).sort();
const ack = (r: DeltaDiscoveryResponse): { typeUrl: string; responseNonce: string } => ({ typeUrl: r.typeUrl, responseNonce: r.nonce });
const push = (srv: AdsServer, ...types: XdsType[]) => srv.push({ types: new Set(types), changedAt: Date.now(), reason: "test" });

describe("Delta ADS stream", () => {
  it("sends only changed resources on push and lists removed ones", async () => {
    const gen = fakeGenerator({ cluster: [cluster("c1"), cluster("c2")], listener: [] });
    const { s, srv } = await start(gen);
    s.send({ node: node("d1"), typeUrl: TYPE_URL.cluster });
    const first = await s.next();
    expect(names(first)).toEqual(["c1", "c2"]);
    expect(first.resources[0]?.version).toBe(resourceVersion(cluster(first.resources[0]!.name)));
    s.send(ack(first));
    await eventually(() => srv.status()[0]?.types[0]?.state === "SYNCED", "SYNCED");
    expect(srv.status()[0]).toMatchObject({ protocol: "delta", types: [{ type: "cluster", resourceCount: 2 }] });

    gen.resources.cluster = [cluster("c1", 2), cluster("c2"), cluster("c3")];
    await push(srv, "cluster");
    const changed = await s.next();
    expect(names(changed)).toEqual(["c1", "c3"]);
    expect(changed.removedResources).toEqual([]);
    s.send(ack(changed));

    gen.resources.cluster = [cluster("c1", 2), cluster("c3")];
    await push(srv, "cluster");
    const removed = await s.next();
    expect(removed.resources).toEqual([]);
    expect(removed.removedResources).toEqual(["c2"]);
    s.send(ack(removed));

    // Nothing changed: nothing is sent; the next message answers a new subscription.
    await push(srv, "cluster");
    s.send({ typeUrl: TYPE_URL.listener });
    expect((await s.next()).typeUrl).toBe(TYPE_URL.listener);
    await eventually(() => srv.status()[0]?.types.find((t) => t.type === "cluster")?.state === "SYNCED", "SYNCED");
    expect(srv.status()[0]?.types.find((t) => t.type === "cluster")?.resourceCount).toBe(2);
  });

  it("follows explicit subscribe and unsubscribe", async () => {
    const gen = fakeGenerator({ endpoint: [endpoints("a"), endpoints("b"), endpoints("c")], route: [] });
    const { s, srv } = await start(gen);
    s.send({ node: node("d2"), typeUrl: TYPE_URL.endpoint, resourceNamesSubscribe: ["a"] });
    const one = await s.next();
    expect(names(one)).toEqual(["a"]);
    s.send({ ...ack(one), resourceNamesSubscribe: ["b"] });
    const two = await s.next();
    expect(names(two)).toEqual(["b"]);
    // Unsubscribing sends nothing (the client forgets a itself).
    s.send({ typeUrl: TYPE_URL.endpoint, responseNonce: two.nonce, resourceNamesUnsubscribe: ["a"] });
    s.send({ typeUrl: TYPE_URL.route, resourceNamesSubscribe: ["r"] });
    expect((await s.next()).typeUrl).toBe(TYPE_URL.route);
    gen.resources.endpoint = [endpoints("a"), endpoints("c")];
    await push(srv, "endpoint");
    const gone = await s.next();
    expect(gone.resources).toEqual([]);
    expect(gone.removedResources).toEqual(["b"]);
  });

  it("does not resend what initial_resource_versions says the client holds", async () => {
    const gen = fakeGenerator({ cluster: [cluster("c1"), cluster("c2")] });
    const { s } = await start(gen);
    s.send({
      node: node("d3"),
      typeUrl: TYPE_URL.cluster,
      initialResourceVersions: { c1: resourceVersion(cluster("c1")), c2: "old", c9: "gone" },
    });
    const r = await s.next();
    expect(names(r)).toEqual(["c2"]);
    expect(r.removedResources).toEqual(["c9"]);
  });

  it("sends a rejected response's changes and removals again with the next push", async () => {
    const gen = fakeGenerator({ cluster: [cluster("c1"), cluster("c2")] });
    const { s, srv } = await start(gen);
    s.send({ node: node("d5"), typeUrl: TYPE_URL.cluster });
    const first = await s.next();
    s.send(ack(first));
    await eventually(() => srv.status()[0]?.types[0]?.state === "SYNCED", "SYNCED");

    // c1 changes and c2 goes; the client rejects that response, so it still holds c1 (old) and c2.
    gen.resources.cluster = [cluster("c1", 2)];
    await push(srv, "cluster");
    const rejected = await s.next();
    expect([names(rejected), rejected.removedResources]).toEqual([["c1"], ["c2"]]);
    s.send({ ...ack(rejected), errorDetail: { code: 3, message: "bad c1" } });
    await eventually(() => srv.status()[0]?.types[0]?.state === "ERROR", "ERROR");

    // An unrelated change: the next response carries it, and again the rejected change and removal.
    gen.resources.cluster = [cluster("c1", 2), cluster("c3")];
    await push(srv, "cluster");
    const next = await s.next();
    expect([names(next), next.removedResources]).toEqual([["c1", "c3"], ["c2"]]);
  });

  it("records a NACK as ERROR, ignores stale nonces but keeps their subscription changes", async () => {
    const gen = fakeGenerator({ endpoint: [endpoints("a"), endpoints("b")] });
    const { s, srv } = await start(gen);
    s.send({ node: node("d4"), typeUrl: TYPE_URL.endpoint, resourceNamesSubscribe: ["a"] });
    const one = await s.next();
    s.send({ ...ack(one), errorDetail: { code: 3, message: "bad endpoint a" } });
    await eventually(() => srv.status()[0]?.types[0]?.state === "ERROR", "ERROR");
    expect(srv.status()[0]?.types[0]?.error).toBe("bad endpoint a");
    expect(srv.metrics().rejects.eds).toBe(1);

    s.send({ typeUrl: TYPE_URL.endpoint, responseNonce: "stale", resourceNamesSubscribe: ["b"] });
    const two = await s.next();
    // The client rejected "a", so it does not hold it: "a" comes again with the new subscription.
    expect(names(two)).toEqual(["a", "b"]);
    expect(srv.status()[0]?.types[0]?.state).toBe("STALE");
    s.send(ack(two));
    await eventually(() => srv.status()[0]?.types[0]?.state === "SYNCED", "SYNCED");
    expect(srv.status()[0]?.types[0]).toMatchObject({ error: "", ackedVersion: two.systemVersionInfo });
  });
});
