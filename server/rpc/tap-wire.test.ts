// A batch of encoded events as an ObserveResponse: what Connect's toBinary writes for it equals toBinary of
// the same events as messages, and JSON clients get the events themselves.

import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ObserveResponseSchema, ProxyDirection, Scheme, TapEventSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { observeResponse, observeResponseBytes } from "./tap-wire";

const long = "é".repeat(20_000);
const inits: MessageInitShape<typeof TapEventSchema>[] = [
  {},
  { source: { ip: "10.0.0.1", port: 1 }, proxyDirection: ProxyDirection.INBOUND, event: { case: "requestInit", value: { method: "GET", scheme: Scheme.HTTP, path: "/" } } },
  { routeContext: { cluster: "x".repeat(200) }, event: { case: "responseInit", value: { httpStatus: 200 } } },
  { routeContext: { cluster: long }, event: { case: "responseEnd", value: { eos: { case: "grpcStatusCode", value: 0 } } } },
  { event: { case: "drops", value: { queueDropped: 4n } } },
];
const events = inits.map((i) => create(TapEventSchema, i));
const encoded = events.map((e) => toBinary(TapEventSchema, e));
const plain = toBinary(ObserveResponseSchema, create(ObserveResponseSchema, { events }));

describe("tap-wire batches", () => {
  it("frames events of one- to three-byte lengths exactly as toBinary frames the messages", () => {
    expect(Buffer.from(observeResponseBytes(encoded)).equals(Buffer.from(plain))).toBe(true);
  });

  it("gives binary codecs a message that toBinary (as Connect does) writes as the batch's bytes", () => {
    const bytes = toBinary(ObserveResponseSchema, observeResponse(encoded, true));
    expect(Buffer.from(bytes).equals(Buffer.from(plain))).toBe(true);
    expect(fromBinary(ObserveResponseSchema, bytes).events).toEqual(events);
  });

  it("gives JSON codecs the events decoded, and an empty batch no events", () => {
    expect(observeResponse(encoded, false).events).toEqual(events);
    expect(observeResponse([], true).events).toEqual([]);
    expect(toBinary(ObserveResponseSchema, observeResponse([], true)).length).toBe(0);
  });
});
