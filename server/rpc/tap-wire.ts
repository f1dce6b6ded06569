// A batch of encoded tap events (proxy-engine/tap/tap-wire.ts) as one ObserveResponse. Binary clients get
// the batch's bytes copied once into the message, carried as an unknown field, which toBinary (what Connect
// and gRPC serialize with) writes verbatim: no event is decoded or encoded again. A JSON codec writes no
// unknown fields, so JSON clients get the events decoded.

import { create } from "@bufbuild/protobuf";
import { ObserveResponseSchema, type ObserveResponse } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { decodeTapEvent, type TapEventBytes } from "../../proxy-engine";

/** ObserveResponse.events is field 1, length-delimited. */
const EVENTS_TAG = 0x0a;

const varintSize = (v: number) => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

/** The protobuf bytes of an ObserveResponse holding `events`, in one allocation. */
export function observeResponseBytes(events: readonly TapEventBytes[]): Buffer {
  let size = 0;
  for (const e of events) size += 1 + varintSize(e.length) + e.length;
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  for (const e of events) {
    out[p++] = EVENTS_TAG;
    let v = e.length;
    while (v > 127) {
      out[p++] = (v & 127) | 0x80;
      v >>>= 7;
    }
    out[p++] = v;
    out.set(e, p);
    p += e.length;
  }
  return out;
}

/** The batch as an ObserveResponse: pre-encoded for binary codecs, decoded events for JSON. */
export function observeResponse(events: readonly TapEventBytes[], binary: boolean): ObserveResponse {
  if (!binary || events.length === 0) return create(ObserveResponseSchema, { events: events.map(decodeTapEvent) });
  const bytes = observeResponseBytes(events);
  // toBinary writes an unknown field as tag + data, so the first event's tag is split off as `no` and
  // `wireType`; the data holds the rest (its length, its bytes and every later event) verbatim.
  return { $typeName: "meshdash.tap.v1.ObserveResponse", events: [], $unknown: [{ no: EVENTS_TAG >>> 3, wireType: EVENTS_TAG & 7, data: bytes.subarray(1) }] };
}
