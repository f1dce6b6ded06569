// tap-wire's hand-written encoder against toBinary: the same bytes for every shape of event tap emits, and a
// pre-encoded batch that Connect's toBinary turns into the ObserveResponse's bytes.

import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ObserveResponseSchema, ProxyDirection, RouteContextSchema, Scheme, TapEventSchema, TcpAddressSchema, type TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { encodeTapEvent, preEncodedObserveResponse } from "./tap-wire";

const envelope = {
  source: { ip: "10.0.0.1", port: 40123 },
  sourceMeta: { workload: "productpage-v1-0", namespace: "default" },
  destination: { ip: "::1", port: 9080 },
  destinationMeta: { cluster: "outbound|9080||reviews.default.svc.cluster.local", service: "reviews", "1": "integer-like key" },
  proxyDirection: ProxyDirection.OUTBOUND,
  routeMeta: { route: "r", virtual_host: "" },
  routeContext: { proxy: "sidecar~10.0.0.1~productpage-v1-0.default~default.svc.cluster.local", listener: "virtualOutbound", virtualHost: "reviews", route: "r", cluster: "c", endpoint: "10.0.0.9:9080", configVersion: "7" },
};
const id = { base: 4_000_000_000, stream: 2n ** 63n + 5n };
const long = "x".repeat(200);
const huge = "é".repeat(40_000);

const events: [string, MessageInitShape<typeof TapEventSchema>][] = [
  ["empty", {}],
  ["requestInit", { ...envelope, event: { case: "requestInit", value: { id, method: "GET", scheme: Scheme.HTTPS, authority: "reviews:9080", path: "/reviews/0", headers: { headers: [{ name: "accept", value: "*/*" }, { name: "x-ü", value: "ünïcödé ✓ 😀" }, { name: "", value: "" }] } } } }],
  ["requestInit, no headers", { ...envelope, event: { case: "requestInit", value: { id: { base: 0, stream: 0n }, method: "POST", path: long } } }],
  ["responseInit", { ...envelope, event: { case: "responseInit", value: { id, sinceRequestInit: { seconds: 0n, nanos: 999_999_999 }, httpStatus: 503, headers: { headers: [] } } } }],
  ["responseInit, negative duration", { event: { case: "responseInit", value: { sinceRequestInit: { seconds: -3n, nanos: -5 } } } }],
  [
    "responseEnd",
    {
      ...envelope,
      event: {
        case: "responseEnd",
        value: {
          id,
          sinceRequestInit: { seconds: 12n, nanos: 1 },
          sinceResponseInit: {},
          responseBytes: 123_456_789_012n,
          eos: { case: "grpcStatusCode", value: 0 },
          trailers: { headers: [{ name: "grpc-status", value: "0" }] },
          responseFlags: "UF,URX",
          retryAttempts: 2,
          requestBody: { data: new Uint8Array([0, 1, 2, 255]), truncated: true, totalBytes: 70_000n, redacted: true, contentType: "application/json" },
          responseBody: { data: new TextEncoder().encode(long), contentType: "" },
          requestBytes: 70_000n,
        },
      },
    },
  ],
  ["responseEnd, reset", { ...envelope, event: { case: "responseEnd", value: { eos: { case: "resetErrorCode", value: 8 }, responseFlags: "DC" } } }],
  ["drops", { event: { case: "drops", value: { queueDropped: 4n, rateLimited: 0n } } }],
  ["long fields", { ...envelope, routeContext: { ...envelope.routeContext, proxy: long, cluster: huge }, sourceMeta: { [long]: huge } }],
];

describe("encodeTapEvent", () => {
  it.each(events)("writes exactly what toBinary writes: %s", (_name, init) => {
    const e = create(TapEventSchema, init);
    expect(Buffer.from(encodeTapEvent(e)).equals(Buffer.from(toBinary(TapEventSchema, e)))).toBe(true);
  });

  it("keeps earlier events intact while it fills and replaces slabs", () => {
    const all: [TapEvent, Uint8Array][] = [];
    for (let i = 0; i < 2000; i++) {
      const [, init] = events[i % events.length]!;
      const e = create(TapEventSchema, init);
      all.push([e, encodeTapEvent(e)]);
    }
    for (const [e, bytes] of all) expect(Buffer.from(bytes).equals(Buffer.from(toBinary(TapEventSchema, e)))).toBe(true);
  });

  it("reuses a stream's envelope bytes only for events that share its objects, across slabs and port collisions", () => {
    const all: [TapEvent, Uint8Array][] = [];
    const streams = Array.from({ length: 40 }, (_, i) => ({
      source: create(TcpAddressSchema, { ip: "10.0.0.1", port: 1000 + (i % 4) * 128 }), // all in one slot
      sourceMeta: { n: String(i) },
      destination: create(TcpAddressSchema, { ip: "10.0.0.2", port: 80 }),
      destinationMeta: envelope.destinationMeta,
      proxyDirection: i % 3,
      routeMeta: i % 2 ? envelope.routeMeta : {},
      routeContext: create(RouteContextSchema, { ...envelope.routeContext, route: `r${i}`, endpoint: huge.slice(0, i * 100) }),
    }));
    for (let round = 0; round < 30; round++) {
      for (const [i, s] of streams.entries()) {
        for (let k = 0; k < 3; k++) {
          const e = create(TapEventSchema, { ...s, event: { case: "responseInit", value: { httpStatus: 200 + round + i + k } } });
          all.push([e, encodeTapEvent(e)]);
        }
        if (round % 7 === 0) {
          // The same stream with another route context (a retry answered from elsewhere).
          const other = create(TapEventSchema, { ...s, routeContext: { ...s.routeContext, endpoint: "9.9.9.9:1" } });
          all.push([other, encodeTapEvent(other)]);
        }
      }
    }
    for (const [e, bytes] of all) expect(Buffer.from(bytes).equals(Buffer.from(toBinary(TapEventSchema, e)))).toBe(true);
  });

  it("leaves events with unknown fields to toBinary", () => {
    const e = create(TapEventSchema, { ...envelope, event: { case: "drops", value: { queueDropped: 1n } } });
    e.routeContext!.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];
    expect(Buffer.from(encodeTapEvent(e)).equals(Buffer.from(toBinary(TapEventSchema, e)))).toBe(true);
  });
});

describe("preEncodedObserveResponse", () => {
  const plain = (events: TapEvent[]) => toBinary(ObserveResponseSchema, create(ObserveResponseSchema, { events }));

  it.each(events)("serializes with toBinary (as Connect does) to a one-event batch's bytes: %s", (_name, init) => {
    const e = create(TapEventSchema, init);
    const bytes = toBinary(ObserveResponseSchema, preEncodedObserveResponse([e]));
    expect(Buffer.from(bytes).equals(Buffer.from(plain([e])))).toBe(true);
    expect(fromBinary(ObserveResponseSchema, bytes).events).toEqual([e]);
  });

  it("serializes a batch of every shape, short and long (lengths of one and more bytes), in order", () => {
    const batch = [...events, ...events].map(([, init]) => create(TapEventSchema, init));
    const bytes = toBinary(ObserveResponseSchema, preEncodedObserveResponse(batch));
    expect(Buffer.from(bytes).equals(Buffer.from(plain(batch)))).toBe(true);
    expect(fromBinary(ObserveResponseSchema, bytes).events).toEqual(batch);
  });

  it("serializes the events of one stream, which share their envelope (encoded once, then copied), in a batch", () => {
    // As the proxy emits them: the three events of a stream share source, metadata and route context by reference.
    const [init, rsp, end] = events.filter(([name]) => ["requestInit", "responseInit", "responseEnd"].includes(name)).map(([, i]) => create(TapEventSchema, i));
    const shared = { ...init!, routeContext: { ...init!.routeContext!, cluster: "x".repeat(300) } };
    const stream = [shared, { ...shared, event: rsp!.event }, { ...shared, event: end!.event }, shared];
    const bytes = toBinary(ObserveResponseSchema, preEncodedObserveResponse(stream));
    expect(Buffer.from(bytes).equals(Buffer.from(plain(stream)))).toBe(true);
    // And once more, now that the envelope is cached from the batch before.
    expect(Buffer.from(toBinary(ObserveResponseSchema, preEncodedObserveResponse(stream))).equals(Buffer.from(plain(stream)))).toBe(true);
  });

  it("leaves a batch holding an event with unknown fields, and an empty one, to toBinary", () => {
    const odd = create(TapEventSchema, events[0]![1]);
    odd.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];
    const batch = [create(TapEventSchema, events[1]![1]), odd];
    const r = preEncodedObserveResponse(batch);
    expect(r.events).toBe(batch);
    expect(Buffer.from(toBinary(ObserveResponseSchema, r)).equals(Buffer.from(plain(batch)))).toBe(true);
    expect(preEncodedObserveResponse([]).events).toEqual([]);
  });
});
