// Merging tap events into one row per stream, drop totals, names and success.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TapEventSchema, type TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { applyTapEvent, createTapRows, isSuccess } from "./tap-rows";

const id = (stream: number) => ({ base: 7, stream: BigInt(stream) });
const rc = { proxy: "gw", cluster: "c", route: "r", endpoint: "127.0.0.1:1" };
const reqInit = (s: number, path: string): TapEvent =>
  create(TapEventSchema, { routeContext: rc, event: { case: "requestInit", value: { id: id(s), method: "GET", authority: "a", path } } });
const respInit = (s: number, status: number): TapEvent =>
  create(TapEventSchema, { routeContext: rc, event: { case: "responseInit", value: { id: id(s), httpStatus: status, sinceRequestInit: { seconds: 0n, nanos: 5_000_000 } } } });
const respEnd = (s: number, bytes: number): TapEvent =>
  create(TapEventSchema, {
    routeContext: rc,
    event: { case: "responseEnd", value: { id: id(s), responseBytes: BigInt(bytes), responseFlags: "UF", sinceRequestInit: { seconds: 1n, nanos: 500_000_000 } } },
  });

describe("tap rows", () => {
  it("merges the three events of a stream into one row", () => {
    const t = createTapRows(10);
    for (const e of [reqInit(1, "/a"), respInit(1, 503), respEnd(1, 42)]) applyTapEvent(t, e, 0);
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]).toMatchObject({ method: "GET", path: "/a", status: 503, bytes: 42, latencyMs: 1500, flags: "UF", state: "done", cluster: "c" });
  });

  it("puts the newest stream first and evicts beyond capacity", () => {
    const t = createTapRows(2);
    for (let s = 1; s <= 3; s++) applyTapEvent(t, reqInit(s, `/${s}`), s);
    expect(t.rows.map((r) => r.path)).toEqual(["/3", "/2"]);
    expect(t.byKey.size).toBe(2);
    // A late event for an evicted stream starts a fresh row rather than failing.
    applyTapEvent(t, respEnd(1, 1), 9);
    expect(t.rows[0]!.bytes).toBe(1);
  });

  it("keeps retries, bodies, request bytes, trailers, gRPC status and the route explanation", () => {
    const t = createTapRows(10);
    const ctx = { proxy: "sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local", listener: "virtualOutbound", virtualHost: "reviews:9080", route: "reviews-route", cluster: "outbound|9080|v2|reviews.default.svc.cluster.local", endpoint: "127.0.0.1:9", configVersion: "v7" };
    applyTapEvent(t, create(TapEventSchema, { routeContext: ctx, proxyDirection: 2, source: { ip: "127.0.0.1", port: 5555 }, event: { case: "requestInit", value: { id: id(1), method: "POST", scheme: 1, authority: "reviews", path: "/r" } } }), 0);
    applyTapEvent(
      t,
      create(TapEventSchema, {
        routeContext: ctx,
        event: {
          case: "responseEnd",
          value: {
            id: id(1),
            retryAttempts: 2,
            requestBytes: 12n,
            responseBytes: 5n,
            eos: { case: "grpcStatusCode", value: 14 },
            trailers: { headers: [{ name: "grpc-status", value: "14" }] },
            requestBody: { data: new TextEncoder().encode("hello"), truncated: true, totalBytes: 99n, redacted: true, contentType: "text/plain" },
          },
        },
      }),
      1,
    );
    const r = t.rows[0]!;
    expect(r).toMatchObject({ retryAttempts: 2, requestBytes: 12, bytes: 5, grpcStatus: 14, scheme: "http", listener: "virtualOutbound", virtualHost: "reviews:9080", configVersion: "v7", direction: "outbound" });
    expect(r.trailers).toEqual([expect.objectContaining({ name: "grpc-status", value: "14" })]);
    expect(r.requestBody).toMatchObject({ truncated: true, totalBytes: 99, redacted: true, contentType: "text/plain" });
    expect(r.responseBody).toBeUndefined();
    expect(r.sourceName).toBe("productpage-v1-0.default");
    expect(r.destinationName).toBe("reviews.default/v2");
    expect(isSuccess(r)).toBe(false);
  });

  it("totals Drops events without making rows", () => {
    const t = createTapRows(10);
    const drops = (q: number, r: number) => create(TapEventSchema, { event: { case: "drops", value: { queueDropped: BigInt(q), rateLimited: BigInt(r) } } });
    expect(applyTapEvent(t, drops(1, 10), 0)).toBeUndefined();
    applyTapEvent(t, drops(3, 4), 0);
    expect(t.rows).toHaveLength(0);
    expect(t.drops).toEqual({ queueDropped: 3, rateLimited: 10 });
  });

  it("counts success the way Linkerd does", () => {
    expect(isSuccess({ state: "done", status: 404, grpcStatus: undefined })).toBe(true);
    expect(isSuccess({ state: "done", status: 503, grpcStatus: undefined })).toBe(false);
    expect(isSuccess({ state: "reset", status: 200, grpcStatus: undefined })).toBe(false);
    expect(isSuccess({ state: "done", status: 200, grpcStatus: 0 })).toBe(true);
  });
});
