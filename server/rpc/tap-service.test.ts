// TapService end to end over real sockets: Connect over HTTP/1.1 (what browsers use) and gRPC over h2c
// on the same port, against the real runtime and demo ingress.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatchSchema, TapService, type TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { MeshService, ProxyRole, SyncState } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { startTestServer, type TestServer } from "../test-util/test-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const pathPrefix = (prefix: string) =>
  create(MatchSchema, { match: { case: "http", value: { match: { case: "path", value: { match: { case: "prefix", value: prefix } } } } } });

/** Sends requests through the ingress until the stream has produced `n` events. */
async function collect(transport: Transport, prefix: string, limit: number, n: number): Promise<TapEvent[]> {
  const client = createClient(TapService, transport);
  const events: TapEvent[] = [];
  const abort = new AbortController();
  const stream = client.observe({ limit, match: pathPrefix(prefix) }, { signal: abort.signal });
  const it = stream[Symbol.asyncIterator]();
  const first = it.next();
  // Wait until the tap is registered on the proxy before sending traffic.
  while (server.runtime.proxies[0]!.taps.active.length === 0) await new Promise((r) => setTimeout(r, 5));
  for (let i = 0; i < limit + 1; i++) await fetch(`${server.ingressUrl}${prefix}/${i}`).then((r) => r.text());
  let next = await first;
  while (!next.done) {
    events.push(next.value);
    if (events.length === n) break;
    next = await it.next();
  }
  abort.abort();
  return events;
}

describe("TapService", () => {
  it("streams tap events to a Connect client over HTTP/1.1 from every proxy a request crosses, and ends at the limit", async () => {
    const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" });
    const prefix = `/details/connect-${Date.now()}`;
    const client = createClient(TapService, transport);
    const events: TapEvent[] = [];
    const done = (async () => {
      for await (const e of client.observe({ limit: 2, match: pathPrefix(prefix) })) events.push(e);
    })();
    const gateway = server.runtime.proxies[0]!;
    while (gateway.taps.active.length === 0) await new Promise((r) => setTimeout(r, 5));
    await fetch(`${server.ingressUrl}${prefix}/0`).then((r) => r.text());
    await done; // the stream ends by itself once 2 streams were tapped: the gateway's and the details sidecar's
    const byProxy = new Map<string, TapEvent[]>();
    for (const e of events) byProxy.set(e.routeContext!.proxy, [...(byProxy.get(e.routeContext!.proxy) ?? []), e]);
    expect(byProxy.size).toBe(2);
    const atGateway = byProxy.get(gateway.id)!;
    expect(atGateway.map((e) => e.event.case)).toEqual(["requestInit", "responseInit", "responseEnd"]);
    const init = atGateway[0]!;
    expect(init.event.case === "requestInit" && init.event.value.path).toBe(`${prefix}/0`);
    expect(init.routeContext?.cluster).toBe("outbound|9080||details.default.svc.cluster.local");
    const [sidecar] = [...byProxy.keys()].filter((id) => id !== gateway.id);
    expect(sidecar).toMatch(/^sidecar~127\.0\.0\.1~details-v1-\d\.default~/);
    expect(byProxy.get(sidecar!)![0]!.routeContext?.cluster).toMatch(/^inbound\|\d+\|\|details\.default\.svc\.cluster\.local$/);
    expect(gateway.taps.active).toHaveLength(0);
  });

  it("streams the same events over gRPC on h2c, on the same port", async () => {
    const transport = createGrpcTransport({ baseUrl: server.baseUrl });
    const events = await collect(transport, `/details/grpc-${Date.now()}`, 1, 3);
    expect(events.map((e) => e.event.case)).toEqual(["requestInit", "responseInit", "responseEnd"]);
    const resp = events[1]!;
    expect(resp.event.case === "responseInit" && resp.event.value.httpStatus).toBe(200);
  });

  it("frees the tap as soon as the client goes away", async () => {
    const client = createClient(TapService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    const abort = new AbortController();
    const stream = client.observe({ limit: 100, match: pathPrefix("/never") }, { signal: abort.signal });
    const consumed = (async () => {
      try {
        for await (const _ of stream);
      } catch (e) {
        return ConnectError.from(e).code;
      }
    })();
    while (server.runtime.proxies[0]!.taps.active.length === 0) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    expect(await consumed).toBe(Code.Canceled);
    while (server.runtime.proxies[0]!.taps.active.length !== 0) await new Promise((r) => setTimeout(r, 5));
  });

  it("rejects a zero limit and an invalid match with InvalidArgument and the field", async () => {
    const client = createClient(TapService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    const first = async (req: Parameters<typeof client.observe>[0]) => {
      try {
        for await (const _ of client.observe(req)) return undefined;
      } catch (e) {
        return ConnectError.from(e);
      }
    };
    const zero = await first({ limit: 0 });
    expect(zero?.code).toBe(Code.InvalidArgument);
    expect(zero?.rawMessage).toBe("limit: must be greater than 0");
    const badMask = create(MatchSchema, { match: { case: "source", value: { match: { case: "netmask", value: { ip: "10.0.0.0", mask: 40 } } } } });
    const bad = await first({ limit: 1, match: badMask });
    expect(bad?.code).toBe(Code.InvalidArgument);
    expect(bad?.rawMessage).toBe("match.source.netmask.mask: must be <= 32 for an IPv4 address");
  });
});

describe("MeshService", () => {
  it("lists the gateway and every sidecar with listeners, clusters and SYNCED xDS status", async () => {
    const client = createClient(MeshService, createGrpcTransport({ baseUrl: server.baseUrl }));
    const { proxies } = await client.listProxies({});
    expect(proxies).toHaveLength(10);
    const gateway = proxies.find((p) => p.role === ProxyRole.GATEWAY)!;
    expect(gateway.listeners[0]!.address).toBe(server.ingressUrl.slice("http://".length));
    expect(gateway.clusters.map((c) => c.name)).toContain("outbound|9080||reviews.default.svc.cluster.local");
    expect(gateway.clusters.find((c) => c.name === "outbound|9080||reviews.default.svc.cluster.local")!.endpoints).toHaveLength(3);
    expect(gateway.clusters.find((c) => c.name === "outbound|9080|v2|reviews.default.svc.cluster.local")!.endpoints).toHaveLength(1);
    for (const p of proxies) {
      expect(p.inProcess).toBe(true);
      expect(p.sync.map((s) => `${s.type}:${SyncState[s.state]}`).sort()).toEqual(["CDS:SYNCED", "EDS:SYNCED", "LDS:SYNCED", "RDS:SYNCED"]);
    }
  });
});
