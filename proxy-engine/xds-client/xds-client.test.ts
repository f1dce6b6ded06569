// The ADS client against a real gRPC control plane on loopback, driving a real engine proxy.

import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { bootstrapFromJson } from "../config/resources";
import { createLogger } from "../log/logger";
import { createProxy, type Proxy } from "../proxy";
import { proxyHarness, request } from "../test-util/proxy-harness";
import type { TestUpstream } from "../test-util/upstream";
import { startAdsTestServer, type AdsTestServer, type AdsTestStream } from "./test-ads-server";
import { createXdsClient, type XdsClient } from "./xds-client";
import { eventually, kindOf, statusWhen } from "./xds-test-helpers";
import { edsCluster, endpoints, listener, route, staticCluster } from "./xds-fixtures";
import { TYPE_URLS } from "./xds-kinds";

const h = proxyHarness();

interface Setup {
  ads: AdsTestServer;
  proxy: Proxy;
  client: XdsClient;
  logs: string[];
  up: TestUpstream;
}

async function setup(opts: { initialFetchTimeoutMs?: number } = {}): Promise<Setup> {
  const up = await h.upstream("u1");
  const ads = await startAdsTestServer();
  h.cleanup(() => ads.close());
  const proxy = createProxy({ id: "t", role: "gateway", bootstrap: bootstrapFromJson({ node: { id: "t" }, static_resources: {} }) });
  proxy.logger.setLevel("all", "off");
  await proxy.start();
  h.cleanup(() => proxy.stop(100));
  const logs: string[] = [];
  const client = createXdsClient({
    target: { host: "127.0.0.1", port: ads.port },
    node: { id: "sidecar~127.0.0.1~t.default", cluster: "t", metadata: { ISTIO_VERSION: "1.0" }, locality: { region: "r1", zone: "z1" } },
    apply: (res, v) => proxy.applyResources(res, v),
    backoff: { baseMs: 20, maxMs: 200 },
    initialFetchTimeoutMs: opts.initialFetchTimeoutMs,
    logger: createLogger("t", (l) => void logs.push(l)),
  });
  h.cleanup(() => client.stop());
  client.start();
  return { ads, proxy, client, logs, up };
}

/** Brings up listener "ingress" (RDS "r1") → cluster "c1" (EDS "svc1") → the upstream, checking each step. */
async function handshake({ ads, up, proxy }: Setup): Promise<AdsTestStream> {
  const s = await ads.nextStream();
  const lds = await s.next("lds");
  const cds = await s.next("cds");
  expect(s.log.slice(0, 2).map(kindOf)).toEqual(["lds", "cds"]);
  expect(lds.node?.id).toBe("sidecar~127.0.0.1~t.default");
  expect(lds.node?.locality?.zone).toBe("z1");
  expect(lds.node?.metadata).toEqual({ ISTIO_VERSION: "1.0" });
  expect(cds.node).toBeUndefined();
  expect([lds.resourceNames, lds.versionInfo, lds.responseNonce]).toEqual([[], "", ""]);

  s.send("lds", "1", [listener("ingress", "r1")], "lds-1");
  const rdsSub = await s.next("rds");
  expect([rdsSub.resourceNames, rdsSub.versionInfo]).toEqual([["r1"], ""]);
  s.send("cds", "1", [edsCluster("c1", "svc1")], "cds-1");
  const edsSub = await s.next("eds");
  expect(edsSub.resourceNames).toEqual(["svc1"]);
  // LDS and CDS are held (warming) until their RDS and EDS arrive: nothing is ACKed yet.
  expect(s.log.filter((r) => r.responseNonce === "lds-1" || r.responseNonce === "cds-1")).toEqual([]);

  s.send("rds", "1", [route("r1", "c1")], "rds-1");
  // Cluster warming: c1 is not in the engine until its endpoints arrive, and the route that names it
  // waits behind it (make before break), so the listener is not live either.
  expect(proxy.config().clusters.has("c1")).toBe(false);
  expect(proxy.listeners()).toEqual([]);
  s.send("eds", "7", [endpoints("svc1", [up.port])], "eds-1");
  const edsAck = await s.next("eds");
  expect([edsAck.versionInfo, edsAck.responseNonce, edsAck.resourceNames]).toEqual(["7", "eds-1", ["svc1"]]);
  const cdsAck = await s.next("cds");
  expect([cdsAck.versionInfo, cdsAck.responseNonce]).toEqual(["1", "cds-1"]);
  const rdsAck = await s.next("rds");
  expect([rdsAck.versionInfo, rdsAck.responseNonce, rdsAck.resourceNames, rdsAck.errorDetail]).toEqual(["1", "rds-1", ["r1"], undefined]);
  const ldsAck = await s.next("lds");
  expect([ldsAck.versionInfo, ldsAck.responseNonce, ldsAck.errorDetail]).toEqual(["1", "lds-1", undefined]);
  // The ACKs came in that order: nothing named c1 before c1 was live.
  expect(s.log.filter((r) => r.responseNonce !== "").map((r) => r.responseNonce)).toEqual(["eds-1", "cds-1", "rds-1", "lds-1"]);
  expect(proxy.config().clusters.get("c1")?.endpoints.map((e) => e.port)).toEqual([up.port]);
  return s;
}

function base(proxy: Proxy): string {
  const l = proxy.listeners().find((x) => x.name === "ingress");
  if (!l) throw new Error("listener ingress is not bound");
  return `http://${l.address}`;
}

describe("xds client", () => {
  it("subscribes LDS and CDS, then RDS and EDS for the names they reference, applies, ACKs, and serves traffic", async () => {
    const t = await setup();
    await handshake(t);
    await t.client.ready();
    const r = await request(`${base(t.proxy)}/hello`);
    expect([r.status, r.body]).toEqual([200, "u1 GET /hello"]);
    expect(t.proxy.config().version).toBe("lds=1 rds=1 cds=1 eds=7");
    const st = t.client.status();
    expect(st).toMatchObject({ connected: true, ready: true, reconnects: 0, configVersion: "lds=1 rds=1 cds=1 eds=7" });
    expect(st.types.rds).toMatchObject({ version: "1", nonce: "rds-1", resourceNames: ["r1"] });
    expect(st.types.eds).toMatchObject({ version: "7", nonce: "eds-1", resourceNames: ["svc1"] });
    expect(st.types.lds.lastUpdate).toBeGreaterThan(0);
  });

  it("keeps RDS and EDS subscriptions in step as LDS and CDS change", async () => {
    const t = await setup();
    const s = await handshake(t);
    const up2 = await h.upstream("u2");
    // CDS swaps c1 for c2 (EDS "c2", no service_name): EDS re-subscribes with the last ACKed version and nonce.
    s.send("cds", "2", [edsCluster("c2")], "cds-2");
    const edsSub = await s.next("eds");
    expect([edsSub.resourceNames, edsSub.versionInfo, edsSub.responseNonce]).toEqual([["c2"], "7", "eds-1"]);
    s.send("eds", "8", [endpoints("c2", [up2.port])], "eds-2");
    expect((await s.next("eds")).versionInfo).toBe("8");
    expect((await s.next("cds")).versionInfo).toBe("2");
    // LDS now points at r2.
    s.send("lds", "2", [listener("ingress", "r2")], "lds-2");
    const rdsSub = await s.next("rds");
    expect([rdsSub.resourceNames, rdsSub.versionInfo, rdsSub.responseNonce]).toEqual([["r2"], "1", "rds-1"]);
    s.send("rds", "2", [route("r2", "c2")], "rds-2");
    expect((await s.next("rds")).versionInfo).toBe("2");
    expect((await s.next("lds")).responseNonce).toBe("lds-2");
    const r = await request(`${base(t.proxy)}/x`);
    expect(r.body).toBe("u2 GET /x");
    expect(t.proxy.config().resources.routeConfigs.map((rc) => rc.name)).toEqual(["r2"]);
    expect(t.proxy.config().resources.loadAssignments.map((c) => c.clusterName)).toEqual(["c2"]);
  });

  it("NACKs a config the engine rejects with its error, keeps the last good config, and keeps serving", async () => {
    const t = await setup();
    const s = await handshake(t);
    s.send("cds", "2", [edsCluster("c1", "svc1"), staticCluster("bad", [t.up.port], { lb_policy: "CLUSTER_PROVIDED" })], "cds-bad");
    const nack = await s.next("cds");
    expect([nack.versionInfo, nack.responseNonce, nack.errorDetail?.code]).toEqual(["1", "cds-bad", 3]);
    expect(nack.errorDetail?.message).toMatch(/clusters\[1\]\.lb_policy: CLUSTER_PROVIDED is not supported/);
    expect(t.client.status().types.cds).toMatchObject({ version: "1", lastNack: nack.errorDetail?.message });
    expect((await request(`${base(t.proxy)}/still`)).status).toBe(200);
    expect(t.proxy.config().version).toBe("lds=1 rds=1 cds=1 eds=7");
    // The next good CDS is ACKed and clears the NACK; it is built on the last good config, not the rejected one.
    s.send("cds", "3", [edsCluster("c1", "svc1")], "cds-3");
    const ack = await s.next("cds");
    expect([ack.versionInfo, ack.errorDetail]).toEqual(["3", undefined]);
    expect(t.client.status().types.cds.lastNack).toBeUndefined();
    expect([...t.proxy.config().clusters.keys()]).toEqual(["c1"]);
  });

  it("NACKs an undecodable resource and one of the wrong type, naming it", async () => {
    const t = await setup();
    const s = await handshake(t);
    s.send("lds", "2", [create(AnySchema, { typeUrl: TYPE_URLS.lds, value: new Uint8Array([0x0a, 0xff, 0xff]) })], "lds-garbage");
    const n1 = await s.next("lds");
    expect([n1.versionInfo, n1.responseNonce, n1.errorDetail?.code]).toEqual(["1", "lds-garbage", 3]);
    expect(n1.errorDetail?.message).toMatch(/^resources\[0\]: cannot decode type\.googleapis\.com\/envoy\.config\.listener\.v3\.Listener/);
    s.send("lds", "3", [listener("ingress", "r1"), edsCluster("oops")], "lds-wrong");
    const n2 = await s.next("lds");
    expect(n2.errorDetail?.message).toMatch(/^resources\[1\]: expected type\.googleapis\.com\/envoy\.config\.listener\.v3\.Listener, got "type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster"/);
    expect((await request(`${base(t.proxy)}/`)).status).toBe(200);
  });

  it("reconnects with backoff when the control plane dies, re-sends its versions, and traffic never fails meanwhile", async () => {
    const t = await setup();
    await handshake(t);
    await t.ads.kill();
    await statusWhen(t.client, (s) => !s.connected);
    let failures = 0;
    for (let i = 0; i < 20; i++) if ((await request(`${base(t.proxy)}/down`)).status !== 200) failures++;
    // Let a few reconnect attempts fail against the closed port.
    await eventually(() => t.logs.filter((l) => l.includes("reconnect attempt")).length >= 3, "3 reconnect attempts");
    await t.ads.restart();
    const s2 = await t.ads.nextStream();
    const lds = await s2.next("lds");
    const cds = await s2.next("cds");
    const rds = await s2.next("rds");
    const eds = await s2.next("eds");
    expect(s2.log.slice(0, 4).map(kindOf)).toEqual(["lds", "cds", "rds", "eds"]);
    expect(lds.node?.id).toBe("sidecar~127.0.0.1~t.default");
    expect([cds.node, rds.node, eds.node]).toEqual([undefined, undefined, undefined]);
    expect([lds.versionInfo, cds.versionInfo, rds.versionInfo, eds.versionInfo]).toEqual(["1", "1", "1", "7"]);
    expect([lds.responseNonce, rds.resourceNames, eds.resourceNames]).toEqual(["", ["r1"], ["svc1"]]);
    // The restarted control plane answers with what it has; the client applies and ACKs it on the new stream.
    s2.send("lds", "1", [listener("ingress", "r1")], "lds-again");
    expect((await s2.next("lds")).responseNonce).toBe("lds-again");
    for (let i = 0; i < 5; i++) if ((await request(`${base(t.proxy)}/up`)).status !== 200) failures++;
    expect(failures).toBe(0);
    const st = await statusWhen(t.client, (x) => x.connected);
    expect(st.reconnects).toBeGreaterThanOrEqual(3);
    expect(st.lastError).toBeTruthy();
  });

  it("opens a new stream when the control plane ends one, re-sending versions and names", async () => {
    const t = await setup();
    const s = await handshake(t);
    s.end();
    const s2 = await t.ads.nextStream();
    const reqs = [await s2.next("lds"), await s2.next("cds"), await s2.next("rds"), await s2.next("eds")];
    expect(reqs.map((r) => [kindOf(r), r.versionInfo, r.resourceNames])).toEqual([["lds", "1", []], ["cds", "1", []], ["rds", "1", ["r1"]], ["eds", "7", ["svc1"]]]);
    expect(t.client.status()).toMatchObject({ reconnects: 1, lastError: "stream closed by the control plane" });
    expect((await request(`${base(t.proxy)}/`)).status).toBe(200);
  });

  it("applies a warming CDS after the initial fetch timeout when its EDS never arrives", async () => {
    const t = await setup({ initialFetchTimeoutMs: 300 });
    const s = await t.ads.nextStream();
    await s.next("lds");
    await s.next("cds");
    s.send("lds", "1", [listener("ingress", "r1")], "lds-1");
    expect((await s.next("rds")).resourceNames).toEqual(["r1"]);
    s.send("rds", "1", [route("r1", "c1")], "rds-1");
    await s.next("rds");
    await s.next("lds");
    const started = Date.now();
    s.send("cds", "1", [edsCluster("c1", "svc1")], "cds-1");
    expect((await s.next("eds")).resourceNames).toEqual(["svc1"]);
    const ack = await s.next("cds", 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect([ack.versionInfo, ack.errorDetail]).toEqual(["1", undefined]);
    await t.client.ready();
    // No endpoints yet: the cluster exists but has no hosts.
    expect((await request(`${base(t.proxy)}/`)).status).toBe(503);
    s.send("eds", "1", [endpoints("svc1", [t.up.port])], "eds-1");
    await s.next("eds");
    expect((await request(`${base(t.proxy)}/`)).status).toBe(200);
    expect(t.logs.some((l) => l.includes("initial fetch timeout"))).toBe(true);
  });

  it("stop() ends the stream and timers promptly, also while waiting to reconnect", async () => {
    const t = await setup();
    const s = await t.ads.nextStream();
    await s.next("lds");
    const ready = t.client.ready();
    const stopped = Date.now();
    await t.client.stop();
    expect(Date.now() - stopped).toBeLessThan(1000);
    await expect(ready).rejects.toThrow(/stopped/);
    await s.ended;
    expect(t.client.status().connected).toBe(false);

    // A client that never reaches its server: stop() interrupts the backoff sleep.
    const dead = createXdsClient({ target: { host: "127.0.0.1", port: 1 }, node: { id: "x", cluster: "x" }, apply: async () => {}, logger: createLogger("x", () => {}), backoff: { baseMs: 10_000, maxMs: 10_000 } });
    dead.start();
    await statusWhen(dead, (x) => x.lastError !== undefined);
    const t0 = Date.now();
    await dead.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("leaves no sockets or timers behind after stop()", async () => {
    const counts = () => process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap").length;
    const ads = await startAdsTestServer();
    h.cleanup(() => ads.close());
    const before = counts();
    const client = createXdsClient({ target: { host: "127.0.0.1", port: ads.port }, node: { id: "x", cluster: "x" }, apply: async () => {}, logger: createLogger("x", () => {}) });
    client.start();
    const s = await ads.nextStream();
    await s.next("lds");
    s.send("lds", "1", []);
    await s.next("lds");
    await client.stop();
    // The control plane is still up: only the client's own connection and timers could be left.
    await eventually(() => counts() <= before && ads.openSessions() === 0, "the client's connection and timers to be gone");
  });
});
