import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TapEventSchema, type TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { applyTapEvent, createTapRows } from "./tap-rows";

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
});
