// TapService end to end over real sockets: Connect over HTTP/1.1 (what browsers use) and gRPC over h2c
// on the same port, against the real runtime and demo ingress: scope, direction, outcome, max_rps drops.

import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type HandlerContext, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MatchSchema, ObserveRequestSchema, ProxyDirection, TapEventSchema, TapService, type ObserveResponse, type TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { MeshService, ProxyRole, SyncState } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { REDACTED, redactHeaders, type Proxy } from "../../proxy-engine";
import { startTestServer, type TestServer } from "../test-util/test-server";
import { createTapService, queueable, QUEUE_VIEWS, tapEventBytes } from "./tap-service";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

/** The events of an Observe stream, batch after batch. */
async function* eventsOf(stream: AsyncIterable<ObserveResponse>): AsyncGenerator<TapEvent> {
  for await (const r of stream) yield* r.events;
}

const pathPrefix = (prefix: string) =>
  create(MatchSchema, { match: { case: "http", value: { match: { case: "path", value: { match: { case: "prefix", value: prefix } } } } } });

/** Sends requests through the ingress until the stream has produced `n` events. */
async function collect(transport: Transport, prefix: string, limit: number, n: number): Promise<TapEvent[]> {
  const client = createClient(TapService, transport);
  const events: TapEvent[] = [];
  const abort = new AbortController();
  const stream = eventsOf(client.observe({ limit, match: pathPrefix(prefix) }, { signal: abort.signal }));
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
      for await (const e of eventsOf(client.observe({ limit: 2, match: pathPrefix(prefix) }))) events.push(e);
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

  it("gives binary clients (the browser's transport), which get events pre-encoded, the same events as JSON ones", async () => {
    const prefix = `/details/binary-${Date.now()}`;
    const observe = async (useBinaryFormat: boolean) => {
      const client = createClient(TapService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", useBinaryFormat }));
      const events: TapEvent[] = [];
      const headers = { extract: { case: "http" as const, value: { extract: { case: "headers" as const, value: {} } } } };
      for await (const e of eventsOf(client.observe({ limit: 1, match: pathPrefix(prefix), extract: headers }))) events.push(e);
      return events;
    };
    const [json, binary] = [observe(false), observe(true)];
    const gateway = server.runtime.proxies[0]!;
    while (gateway.taps.active.length < 2) await new Promise((r) => setTimeout(r, 5));
    await fetch(`${server.ingressUrl}${prefix}/0`).then((r) => r.text());
    const [a, b] = await Promise.all([json, binary]);
    expect(a.map((e) => e.event.case)).toEqual(["requestInit", "responseInit", "responseEnd"]);
    const init = a[0]!;
    expect(init.event.case === "requestInit" && init.event.value.headers?.headers.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
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
    while (server.runtime.proxies.some((p) => p.taps.active.length === 0)) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    expect(await consumed).toBe(Code.Canceled);
    // Freed on every proxy, without waiting for traffic.
    while (server.runtime.proxies.some((p) => p.taps.active.length !== 0)) await new Promise((r) => setTimeout(r, 5));
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

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
};
const registeredOn = () => server.runtime.proxies.filter((p) => p.taps.active.length !== 0).map((p) => p.id);
const gateway = () => server.runtime.proxies[0]!;
const sidecarOf = (workload: string) => server.runtime.proxies.find((p) => p.id.includes(`~${workload}.default~`))!;
const pathOf = (e: TapEvent) => (e.event.case === "requestInit" ? e.event.value.path : "");

/**
 * Observes with `req`, sends `traffic` again and again until the stream ends by itself (limit reached),
 * and returns every event. The tap is registered on `expected` before traffic starts.
 */
async function observeWhile(req: Observe, traffic: () => Promise<unknown>, expected?: string[]): Promise<TapEvent[]> {
  const client = createClient(TapService, createGrpcTransport({ baseUrl: server.baseUrl }));
  const events: TapEvent[] = [];
  let done = false;
  const consumed = (async () => {
    for await (const e of eventsOf(client.observe(create(ObserveRequestSchema, req)))) events.push(e);
  })().finally(() => (done = true));
  if (expected) await until(() => done || registeredOn().length === expected.length);
  else await until(() => done || registeredOn().length !== 0);
  if (expected) expect(registeredOn().sort()).toEqual([...expected].sort());
  while (!done) await traffic();
  await consumed;
  return events;
}

type Observe = MessageInitShape<typeof ObserveRequestSchema>;
const ingress = (path: string, init?: RequestInit) => () => fetch(`${server.ingressUrl}${path}`, init).then((r) => r.text());

describe("TapService scope and direction", () => {
  it("runs on one proxy by id", async () => {
    const prefix = `/details/scope-proxy-${Date.now()}`;
    const events = await observeWhile({ limit: 1, match: pathPrefix(prefix), scope: { proxy: gateway().id } }, ingress(prefix), [gateway().id]);
    expect(events.map((e) => `${e.event.case} ${e.routeContext!.proxy}`)).toEqual(["requestInit", "responseInit", "responseEnd"].map((c) => `${c} ${gateway().id}`));
    expect(events[0]!.proxyDirection).toBe(ProxyDirection.INBOUND);
    expect(events[0]!.destinationMeta).toMatchObject({ service: "details", namespace: "default" });
  });

  it("runs on one workload's sidecar, inbound on virtualInbound", async () => {
    const prefix = `/details/scope-workload-${Date.now()}`;
    const id = sidecarOf("details-v1-0").id;
    const events = await observeWhile({ limit: 1, match: pathPrefix(prefix), scope: { workload: "details-v1-0" } }, ingress(prefix), [id]);
    expect(new Set(events.map((e) => e.routeContext!.proxy))).toEqual(new Set([id]));
    expect(events[0]!.proxyDirection).toBe(ProxyDirection.INBOUND);
    expect(events[0]!.routeContext?.listener).toBe("virtualInbound");
    expect(events[0]!.destinationMeta).toMatchObject({ workload: "details-v1-0", service: "details" });
  });

  it("runs on every sidecar of a service (full or short name), one direction only", async () => {
    const prefix = `/details/scope-service-${Date.now()}`;
    const sidecars = [sidecarOf("details-v1-0").id, sidecarOf("details-v1-1").id];
    const events = await observeWhile(
      { limit: 4, match: pathPrefix(prefix), scope: { service: "details.default.svc.cluster.local", direction: ProxyDirection.INBOUND } },
      ingress(prefix),
      sidecars,
    );
    expect(new Set(events.map((e) => e.proxyDirection))).toEqual(new Set([ProxyDirection.INBOUND]));
    expect(new Set(events.map((e) => e.routeContext!.proxy))).toEqual(new Set(sidecars));
    const short = await observeWhile({ limit: 1, match: pathPrefix(prefix), scope: { service: "details" } }, ingress(prefix), sidecars);
    expect(short).toHaveLength(3);
  });

  it("shows a service's outbound calls from its sidecars, with the caller and callee labels", async () => {
    const productpage = [sidecarOf("productpage-v1-0").id, sidecarOf("productpage-v1-1").id];
    const events = await observeWhile({ limit: 2, scope: { service: "productpage", direction: ProxyDirection.OUTBOUND } }, ingress("/productpage"), productpage);
    const inits = events.filter((e) => e.event.case === "requestInit");
    expect(inits).toHaveLength(2);
    for (const e of inits) {
      expect(e.proxyDirection).toBe(ProxyDirection.OUTBOUND);
      expect(e.routeContext?.listener).toBe("virtualOutbound");
      expect(e.sourceMeta).toMatchObject({ service: "productpage", namespace: "default" });
      expect(e.sourceMeta.workload).toMatch(/^productpage-v1-\d$/);
    }
    expect(inits.map((e) => e.destinationMeta.service).sort()).toEqual(["details", "reviews"]);
  });

  it("says the tap is registered on every proxy in scope with a first message that has no events", async () => {
    const client = createClient(TapService, createGrpcTransport({ baseUrl: server.baseUrl }));
    const abort = new AbortController();
    const it = client.observe({ limit: 1, match: pathPrefix("/never") }, { signal: abort.signal })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value!.events).toEqual([]);
    // Already registered everywhere when it arrives: no polling needed before sending traffic.
    expect(registeredOn().sort()).toEqual(server.runtime.proxies.map((p) => p.id).sort());
    abort.abort();
    await it.next().catch(() => undefined);
    await until(() => registeredOn().length === 0);
  });

  it("answers NotFound for an unknown service, workload or proxy, and InvalidArgument for bad fields", async () => {
    const client = createClient(TapService, createGrpcTransport({ baseUrl: server.baseUrl }));
    const fail = async (req: Observe) => {
      try {
        for await (const _ of client.observe(create(ObserveRequestSchema, { limit: 1, ...req }))) break;
      } catch (e) {
        const err = ConnectError.from(e);
        return `${Code[err.code]}: ${err.rawMessage}`;
      }
      return "no error";
    };
    expect(await fail({ scope: { service: "nope" } })).toMatch(/^NotFound: scope.service: no sidecar serves "nope"; services: details.default.svc.cluster.local, productpage/);
    expect(await fail({ scope: { workload: "nope-v1-0" } })).toMatch(/^NotFound: scope.workload: no sidecar for workload "nope-v1-0"; workloads: details-v1-0, /);
    expect(await fail({ scope: { proxy: "sidecar~x" } })).toMatch(/^NotFound: scope.proxy: no proxy "sidecar~x"; proxies: /);
    expect(await fail({ scope: { service: "reviews", workload: "details-v1-0" } })).toBe("InvalidArgument: scope: its service, workload and proxy select no proxy in common");
    expect(await fail({ bodyBytes: 70_000 })).toBe("InvalidArgument: body_bytes: must be at most 65536, got 70000");
    expect(await fail({ maxRps: 1_000_000 })).toBe("InvalidArgument: max_rps: must be at most 100000, got 1000000");
    expect(await fail({ outcome: { statusClasses: [9] } })).toBe("InvalidArgument: outcome.status_classes[0]: must be 1 to 5 (1xx to 5xx), got 9");
    expect(registeredOn()).toEqual([]);
  });
});

describe("TapService outcome and drops", () => {
  it("streams only requests with the wanted outcome, all three events of each", async () => {
    const tag = Date.now();
    let n = 0;
    const events = await observeWhile({ limit: 1, outcome: { errorsOnly: true }, scope: { proxy: gateway().id } }, () => ingress(n++ % 2 ? `/nope-${tag}` : `/details/ok-${tag}`)(), [gateway().id]);
    expect(events.map((e) => e.event.case)).toEqual(["requestInit", "responseInit", "responseEnd"]);
    expect(pathOf(events[0]!)).toBe(`/nope-${tag}`);
    expect(events[2]!.event.case === "responseEnd" && events[2]!.event.value.responseFlags).toBe("NR");
  });

  it("counts requests over max_rps (one bucket for the whole tap) and reports them in a Drops event at the end", async () => {
    const prefix = `/details/rps-${Date.now()}`;
    let sent = 0;
    const events = await observeWhile({ limit: 2, maxRps: 1, match: pathPrefix(prefix), scope: { proxy: gateway().id } }, () => ingress(`${prefix}/${sent++}`)(), [gateway().id]);
    const drops = events.filter((e) => e.event.case === "drops");
    expect(events.filter((e) => e.event.case === "requestInit")).toHaveLength(2);
    const last = events[events.length - 1]!;
    if (last.event.case !== "drops") throw new Error(`last event is ${last.event.case}`);
    expect(last.event.value.queueDropped).toBe(0n);
    // The bucket starts with one token; every request between the two tapped ones was over the rate.
    const [first, second] = events.filter((e) => e.event.case === "requestInit").map((e) => Number(pathOf(e).slice(prefix.length + 1)));
    expect(first).toBe(0);
    expect(Number(last.event.value.rateLimited)).toBe(second! - 1);
    expect(sent).toBeGreaterThan(second!);
    expect(drops.length).toBeGreaterThanOrEqual(1);
  });

  it("reports events its queue dropped for a slow reader, periodically while dropping and at the end", async () => {
    const proxy: Proxy = gateway();
    const svc = createTapService({ proxies: () => [proxy], stopping: new AbortController().signal, queueCapacity: 2, dropsIntervalMs: 20 });
    const prefix = `/details/slow-${Date.now()}`;
    const stream = eventsOf(svc.observe!(create(ObserveRequestSchema, { limit: 4, match: pathPrefix(prefix) }), { signal: new AbortController().signal } as HandlerContext) as AsyncIterable<ObserveResponse>);
    const first = stream.next(); // registers the tap, then waits for the first event
    await until(() => proxy.taps.active.length === 1);
    for (let i = 0; i < 3; i++) await ingress(`${prefix}/${i}`)();
    const events = [(await first).value as TapEvent];
    // Read on (slowly) until the periodic report shows up, while the tap is still running.
    while (events[events.length - 1]!.event.case !== "drops") events.push((await stream.next()).value as TapEvent);
    const periodic = events[events.length - 1]!;
    expect(periodic.event.case === "drops" && periodic.event.value.queueDropped).toBeGreaterThan(0n);
    await ingress(`${prefix}/3`)();
    for await (const e of { [Symbol.asyncIterator]: () => stream }) events.push(e);
    const last = events[events.length - 1]!;
    if (last.event.case !== "drops") throw new Error(`last event is ${last.event.case}`);
    const tapped = events.filter((e) => e.event.case !== "drops");
    expect(tapped.length + Number(last.event.value.queueDropped)).toBe(12);
    expect(last.event.value.rateLimited).toBe(0n);
    expect(proxy.taps.active).toHaveLength(0);
  });
});

describe("TapService redaction", () => {
  it("redacts the default secret headers and the ones the operator adds (REDACT_HEADERS), in events from real requests", async () => {
    redactHeaders(["X-Tenant-Key"]);
    try {
      const prefix = `/details/redact-${Date.now()}`;
      const extract = { extract: { case: "http" as const, value: { extract: { case: "headers" as const, value: {} } } } };
      const send = ingress(prefix, { headers: { authorization: "Bearer s3cret", "x-tenant-key": "tenant-s3cret", "x-visible": "shown" } });
      const events = await observeWhile({ limit: 1, match: pathPrefix(prefix), extract, scope: { proxy: gateway().id } }, send, [gateway().id]);
      const init = events.find((e) => e.event.case === "requestInit")!;
      const headers = init.event.case === "requestInit" ? init.event.value.headers!.headers : [];
      const value = (n: string) => headers.find((h) => h.name === n)?.value;
      expect([value("authorization"), value("x-tenant-key"), value("x-visible")]).toEqual([REDACTED, REDACTED, "shown"]);
      expect(JSON.stringify(events, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain("s3cret");
    } finally {
      redactHeaders([]);
    }
  });
});

describe("TapService memory bound", () => {
  it("bounds each subscriber's queue by bytes: big body captures are dropped and counted, not buffered", async () => {
    const proxy: Proxy = gateway();
    // Room for a few small events, not for 4 KiB body captures.
    const svc = createTapService({ proxies: () => [proxy], stopping: new AbortController().signal, queueMaxBytes: 3000, dropsIntervalMs: 20 });
    const prefix = `/details/bytes-${Date.now()}`;
    const stream = eventsOf(svc.observe!(create(ObserveRequestSchema, { limit: 3, match: pathPrefix(prefix), bodyBytes: 4096 }), { signal: new AbortController().signal } as HandlerContext) as AsyncIterable<ObserveResponse>);
    const first = stream.next();
    await until(() => proxy.taps.active.length === 1);
    for (let i = 0; i < 3; i++) await ingress(`${prefix}/${i}`, { method: "POST", body: "x".repeat(4000) })();
    const events = [(await first).value as TapEvent];
    for await (const e of { [Symbol.asyncIterator]: () => stream }) events.push(e);
    const last = events[events.length - 1]!;
    if (last.event.case !== "drops") throw new Error(`last event is ${last.event.case}`);
    expect(last.event.value.queueDropped).toBeGreaterThan(0n);
    expect(tapEventBytes(toBinary(TapEventSchema, events.find((e) => e.event.case === "responseEnd") ?? events[0]!))).toBeLessThanOrEqual(3000);
  });
});

describe("TapService resources", () => {
  it("leaves every proxy as soon as its limit is used up, before the subscriber has read the events", async () => {
    const proxy: Proxy = gateway();
    const svc = createTapService({ proxies: () => [proxy], stopping: new AbortController().signal });
    const prefix = `/details/done-${Date.now()}`;
    const stream = eventsOf(svc.observe!(create(ObserveRequestSchema, { limit: 1, match: pathPrefix(prefix) }), { signal: new AbortController().signal } as HandlerContext) as AsyncIterable<ObserveResponse>);
    const first = stream.next();
    await until(() => proxy.taps.active.length === 1);
    await ingress(`${prefix}/0`)();
    // Nothing read past the first event: the tap is gone from the proxy anyway.
    expect((await first).value).toBeDefined();
    await until(() => proxy.taps.active.length === 0);
    const rest: TapEvent[] = [];
    for await (const e of { [Symbol.asyncIterator]: () => stream }) rest.push(e);
    expect(rest.map((e) => e.event.case)).toEqual(["responseInit", "responseEnd"]);
  });

  it("queues copies of events once a subscriber is behind, so queued events keep no slab of the proxy's alive", () => {
    const slab = new Uint8Array(64 * 1024).fill(7);
    const view = slab.subarray(100, 300);
    expect(queueable(view, 0)).toBe(view);
    const copy = queueable(view, QUEUE_VIEWS);
    expect(copy.buffer.byteLength).toBe(200);
    expect(copy).toEqual(view);
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
