// tap-wire's event writers against toBinary: for every shape of event a stream emits, the bytes written from
// the stream's state equal toBinary of the TapEvent built from the same state; views stay intact across slabs.

import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ProxyDirection, Scheme, TapEventSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { REDACTED } from "./redact";
import { decodeTapEvent, encodeEnvelope, encodeRequestInit, encodeResponseEnd, encodeResponseInit, type EnvelopeFields, type ResponseEndFields } from "./tap-wire";

const long = "x".repeat(200);
const huge = "é".repeat(40_000);

const fields: EnvelopeFields = {
  sourceIp: "10.0.0.1",
  sourcePort: 40123,
  sourceMeta: { workload: "productpage-v1-0", namespace: "default" },
  destinationIp: "::1",
  destinationPort: 9080,
  destinationMeta: { cluster: "outbound|9080||reviews.default.svc.cluster.local", service: "reviews", "1": "integer-like key" },
  proxyDirection: ProxyDirection.OUTBOUND,
  routeMeta: { route: "r", virtual_host: "" },
  proxy: "sidecar~10.0.0.1~productpage-v1-0.default~default.svc.cluster.local",
  listener: "virtualOutbound",
  virtualHost: "reviews",
  route: "r",
  cluster: "c",
  endpoint: "10.0.0.9:9080",
  configVersion: "7",
};

/** The same envelope as a TapEvent init. */
const envelopeInit = (f: EnvelopeFields) => ({
  source: { ip: f.sourceIp, port: f.sourcePort },
  sourceMeta: { ...f.sourceMeta },
  destination: { ip: f.destinationIp, port: f.destinationPort },
  destinationMeta: { ...f.destinationMeta },
  proxyDirection: f.proxyDirection,
  routeMeta: { ...f.routeMeta },
  routeContext: { proxy: f.proxy, listener: f.listener, virtualHost: f.virtualHost, route: f.route, cluster: f.cluster, endpoint: f.endpoint, configVersion: f.configVersion },
});

const expectSame = (bytes: Uint8Array, init: MessageInitShape<typeof TapEventSchema>) =>
  expect(Buffer.from(bytes).toString("hex")).toBe(Buffer.from(toBinary(TapEventSchema, create(TapEventSchema, init))).toString("hex"));

const headers = { accept: "*/*", "x-ü": "ünïcödé ✓ 😀", "set-cookie": ["a=1", "b=2"], authorization: "Bearer s3cret", "content-length": 64 as unknown as string, "x-empty": "" };
const headersInit = [
  { name: "accept", value: "*/*" },
  { name: "x-ü", value: "ünïcödé ✓ 😀" },
  { name: "set-cookie", value: REDACTED },
  { name: "set-cookie", value: REDACTED },
  { name: "authorization", value: REDACTED },
  { name: "content-length", value: "64" },
  { name: "x-empty", value: "" },
];

describe("tap-wire", () => {
  it("writes RequestInit as toBinary does, with headers redacted", () => {
    const env = encodeEnvelope(fields);
    const bytes = encodeRequestInit(env, 4_000_000_000, 2 ** 40 + 5, "GET", Scheme.HTTPS, "reviews:9080", "/reviews/0", headers);
    expectSame(bytes, { ...envelopeInit(fields), event: { case: "requestInit", value: { id: { base: 4_000_000_000, stream: BigInt(2 ** 40 + 5) }, method: "GET", scheme: Scheme.HTTPS, authority: "reviews:9080", path: "/reviews/0", headers: { headers: headersInit } } } });
    expect(JSON.stringify(decodeTapEvent(bytes), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain("s3cret");
  });

  it("redacts secret headers, every value of them, whatever their case", () => {
    const bytes = encodeRequestInit(encodeEnvelope(fields), 1, 1, "GET", Scheme.HTTP, "a", "/", { Authorization: "Bearer x", "set-cookie": ["a=1", "b=2"], "x-api-key": "k", accept: "*/*" });
    const e = decodeTapEvent(bytes);
    expect(e.event.case === "requestInit" && e.event.value.headers!.headers.map(({ name, value }) => ({ name, value }))).toEqual([
      { name: "Authorization", value: REDACTED },
      { name: "set-cookie", value: REDACTED },
      { name: "set-cookie", value: REDACTED },
      { name: "x-api-key", value: REDACTED },
      { name: "accept", value: "*/*" },
    ]);
  });

  it("writes RequestInit without headers, and an empty envelope, as toBinary does", () => {
    const empty: EnvelopeFields = { ...fields, sourceIp: "", sourcePort: 0, sourceMeta: {}, destinationIp: "", destinationPort: 0, destinationMeta: {}, proxyDirection: 0, routeMeta: {}, proxy: "", listener: "", virtualHost: "", route: "", cluster: "", endpoint: "", configVersion: "" };
    expectSame(encodeRequestInit(encodeEnvelope(empty), 0, 0, "POST", Scheme.HTTP, "", long, undefined), {
      ...envelopeInit(empty),
      event: { case: "requestInit", value: { id: { base: 0, stream: 0n }, method: "POST", scheme: Scheme.HTTP, path: long } },
    });
  });

  it("writes ResponseInit as toBinary does: durations in whole nanoseconds, empty headers", () => {
    const env = encodeEnvelope(fields);
    expectSame(encodeResponseInit(env, 1, 2, 1234.5678904, 503, {}), {
      ...envelopeInit(fields),
      event: { case: "responseInit", value: { id: { base: 1, stream: 2n }, sinceRequestInit: { seconds: 1n, nanos: 234_567_890 }, httpStatus: 503, headers: { headers: [] } } },
    });
    expectSame(encodeResponseInit(env, 1, 2, 0, 200, undefined), {
      ...envelopeInit(fields),
      event: { case: "responseInit", value: { id: { base: 1, stream: 2n }, sinceRequestInit: {}, httpStatus: 200 } },
    });
  });

  const end: ResponseEndFields = {
    sinceRequestInitMs: 12_000.000001,
    sinceResponseInitMs: 0,
    responseBytes: 123_456_789_012,
    grpcStatus: 0,
    resetErrorCode: undefined,
    trailers: { "grpc-status": "0" },
    responseFlags: "UF,URX",
    retryAttempts: 2,
    requestBytes: 70_000,
    requestBody: { data: new Uint8Array([0, 1, 2, 255]), truncated: true, totalBytes: 70_000, redacted: true, contentType: "application/json" },
    responseBody: { data: new TextEncoder().encode(long), truncated: false, totalBytes: 200, redacted: false, contentType: "" },
  };
  const endInit = {
    id: { base: 3, stream: 9n },
    sinceRequestInit: { seconds: 12n, nanos: 1 },
    sinceResponseInit: {},
    responseBytes: 123_456_789_012n,
    trailers: { headers: [{ name: "grpc-status", value: "0" }] },
    responseFlags: "UF,URX",
    retryAttempts: 2,
    requestBody: { data: new Uint8Array([0, 1, 2, 255]), truncated: true, totalBytes: 70_000n, redacted: true, contentType: "application/json" },
    responseBody: { data: new TextEncoder().encode(long), totalBytes: 200n },
    requestBytes: 70_000n,
  };

  it("writes ResponseEnd as toBinary does: a gRPC status of 0 is written (a oneof member), bodies, trailers", () => {
    expectSame(encodeResponseEnd(encodeEnvelope(fields), 3, 9, end), { ...envelopeInit(fields), event: { case: "responseEnd", value: { ...endInit, eos: { case: "grpcStatusCode", value: 0 } } } });
  });

  it("writes a reset ResponseEnd, and one with no eos, as toBinary does", () => {
    const env = encodeEnvelope(fields);
    expectSame(encodeResponseEnd(env, 3, 9, { ...end, grpcStatus: undefined, resetErrorCode: 8 }), { ...envelopeInit(fields), event: { case: "responseEnd", value: { ...endInit, eos: { case: "resetErrorCode", value: 8 } } } });
    const bare = { ...end, grpcStatus: undefined, trailers: undefined, requestBody: undefined, responseBody: undefined, responseBytes: 0, requestBytes: 0, retryAttempts: 0, responseFlags: "" };
    expectSame(encodeResponseEnd(env, 3, 9, bare), { ...envelopeInit(fields), event: { case: "responseEnd", value: { id: endInit.id, sinceRequestInit: endInit.sinceRequestInit, sinceResponseInit: {} } } });
  });

  it("writes long and multi-byte fields (lengths of two and three bytes) as toBinary does", () => {
    const big: EnvelopeFields = { ...fields, proxy: long, cluster: huge, sourceMeta: { [long]: huge } };
    const bigHeaders = { "x-long": huge, "x-200": long };
    expectSame(encodeRequestInit(encodeEnvelope(big), 1, 1, "GET", Scheme.HTTP, "a", "/", bigHeaders), {
      ...envelopeInit(big),
      event: { case: "requestInit", value: { id: { base: 1, stream: 1n }, method: "GET", scheme: Scheme.HTTP, authority: "a", path: "/", headers: { headers: [{ name: "x-long", value: huge }, { name: "x-200", value: long }] } } },
    });
  });

  it("keeps every view it handed out intact when events fill slab after slab", () => {
    const env = encodeEnvelope(fields);
    const written: [Uint8Array, string][] = [];
    for (let i = 0; i < 3000; i++) {
      const bytes = encodeRequestInit(env, 1, i, "GET", Scheme.HTTP, "host", `/${i}/${"p".repeat(i % 300)}`, i % 7 === 0 ? { "x-big": huge } : { a: "b" });
      written.push([bytes, Buffer.from(bytes).toString("hex")]);
    }
    for (const [bytes, hex] of written) expect(Buffer.from(bytes).toString("hex")).toBe(hex);
    const last = decodeTapEvent(written[2999]![0]);
    expect(last.event.case === "requestInit" && last.event.value.path).toBe(`/2999/${"p".repeat(2999 % 300)}`);
  });
});
