// TapEvent to protobuf bytes without reflection: toBinary walks descriptors field by field (~35 µs per tap
// event), this writes the known shape straight into a scratch buffer (~1 µs), byte for byte what toBinary
// writes (tap-wire.test.ts checks). A batch of events reaches Connect as one ObserveResponse whose bytes are
// spliced in as an unknown field, which toBinary copies verbatim.

import { toBinary } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import {
  TapEventSchema,
  type ObserveResponse,
  type Body,
  type Header,
  type Headers,
  type RouteContext,
  type StreamId,
  type TapEvent,
  type TapEvent_Drops,
  type TapEvent_RequestInit,
  type TapEvent_ResponseEnd,
  type TapEvent_ResponseInit,
  type TcpAddress,
} from "../../proto/gen/meshdash/tap/v1/tap_pb";

const LEN = 2; // wire type: length-delimited
const tag = (no: number, wireType: number) => (no << 3) | wireType;

/**
 * Events are encoded straight into a shared slab and handed out as views of it, as Node's Buffer pool
 * does: no copy per event. Bytes once written are never overwritten; a slab is dropped once full (the
 * views keep it alive until they are gone). A slab holds several batches of 256 ordinary events; a bigger
 * batch gets a slab of its own size.
 */
const SLAB_BYTES = 512 * 1024;
let buf = Buffer.allocUnsafeSlow(SLAB_BYTES);
let pos = 0;
/** Where the event being encoded starts in `buf`. */
let begin = 0;

/** Thrown when the slab is full mid-event, which is then encoded again into a new slab (no stack to capture). */
const SLAB_FULL = Object.freeze({ reason: "tap-wire slab full" });
/** Thrown when a message carries unknown fields: toBinary encodes that event instead. */
const UNENCODABLE = Object.freeze({ reason: "tap-wire unknown fields" });

function ensure(n: number): void {
  if (pos + n > buf.length) throw SLAB_FULL;
}

/** A non-negative integer below 2^53 (uint32, uint64 as a number, lengths, tags). */
function varint(v: number): void {
  ensure(10);
  while (v > 0x7fffffff) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  while (v > 127) {
    buf[pos++] = (v & 127) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
}

/** int64 / uint64 from a bigint: two's complement for negatives, as protobuf-es writes them. */
function varint64(v: bigint): void {
  if (v >= 0n && v <= 0x1fffffffffffffn) return varint(Number(v));
  let u = BigInt.asUintN(64, v);
  ensure(10);
  while (u > 127n) {
    buf[pos++] = Number(u & 127n) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
}

/** int32: negatives are sign-extended to ten bytes. */
function int32(v: number): void {
  if (v >= 0) varint(v);
  else varint64(BigInt(v));
}

/**
 * Opens a length-delimited field: reserves one byte for its length, which fits any field under 128 bytes;
 * close() moves a longer body right to make room.
 */
function open(): number {
  ensure(1);
  return pos++;
}

function close(start: number): void {
  const len = pos - start - 1;
  if (len < 128) {
    buf[start] = len;
    return;
  }
  let extra = 0;
  for (let l = len >>> 7; l > 0; l >>>= 7) extra++;
  ensure(extra);
  buf.copyWithin(start + 1 + extra, start + 1, pos);
  pos += extra;
  // An envelope cached inside the body moved with it (only the last one written can be: a body holds one event).
  if (freshEnvelope !== undefined && freshEnvelope.start > start) {
    freshEnvelope.start += extra;
    freshEnvelope.end += extra;
  }
  let p = start;
  let v = len;
  while (v > 127) {
    buf[p++] = (v & 127) | 0x80;
    v >>>= 7;
  }
  buf[p] = v;
}

/** Tag and UTF-8 string (ASCII copied in JS, which beats a native call for short strings). */
function stringField(t: number, s: string): void {
  const n = s.length;
  ensure(n * 3 + 12);
  buf[pos++] = t;
  const start = pos++;
  let p = pos;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      p = pos + buf.write(s, pos, "utf8");
      break;
    }
    buf[p++] = c;
  }
  pos = p;
  close(start);
}

/** A string field, left out when empty (proto3 implicit presence). */
function str(t: number, s: string): void {
  if (s !== "") stringField(t, s);
}

function uint(t: number, v: number): void {
  if (v !== 0) {
    ensure(1);
    buf[pos++] = t;
    varint(v);
  }
}

function uint64(t: number, v: bigint): void {
  if (v !== 0n) {
    ensure(1);
    buf[pos++] = t;
    varint64(v);
  }
}

function bool(t: number, v: boolean): void {
  if (v) {
    ensure(2);
    buf[pos++] = t;
    buf[pos++] = 1;
  }
}

function bytesField(t: number, v: Uint8Array): void {
  if (v.length === 0) return;
  ensure(v.length + 11);
  buf[pos++] = t;
  varint(v.length);
  buf.set(v, pos);
  pos += v.length;
}

/** Field numbers under 16 fit the tag in one byte, which is all this file needs. */
function message<T extends { $unknown?: unknown[] }>(t: number, m: T | undefined, body: (m: T) => void): void {
  if (m === undefined) return;
  if (m.$unknown?.length) throw UNENCODABLE;
  ensure(1);
  buf[pos++] = t;
  const start = open();
  body(m);
  close(start);
}

function map(t: number, m: { [key: string]: string }): void {
  for (const key of Object.keys(m)) {
    ensure(1);
    buf[pos++] = t;
    const start = open();
    stringField(tag(1, LEN), key);
    stringField(tag(2, LEN), m[key]!);
    close(start);
  }
}

const tcpAddress = (a: TcpAddress) => {
  str(tag(1, LEN), a.ip);
  uint(tag(2, 0), a.port);
};

const routeContext = (r: RouteContext) => {
  str(tag(1, LEN), r.proxy);
  str(tag(2, LEN), r.listener);
  str(tag(3, LEN), r.virtualHost);
  str(tag(4, LEN), r.route);
  str(tag(5, LEN), r.cluster);
  str(tag(6, LEN), r.endpoint);
  str(tag(7, LEN), r.configVersion);
};

const streamId = (id: StreamId) => {
  uint(tag(1, 0), id.base);
  uint64(tag(2, 0), id.stream);
};

const duration = (d: Duration) => {
  uint64(tag(1, 0), d.seconds);
  if (d.nanos !== 0) {
    ensure(1);
    buf[pos++] = tag(2, 0);
    int32(d.nanos);
  }
};

const header = (x: Header) => {
  str(tag(1, LEN), x.name);
  str(tag(2, LEN), x.value);
};

const headers = (h: Headers) => {
  for (const x of h.headers) message(tag(1, LEN), x, header);
};

const body = (b: Body) => {
  bytesField(tag(1, LEN), b.data);
  bool(tag(2, 0), b.truncated);
  uint64(tag(3, 0), b.totalBytes);
  bool(tag(4, 0), b.redacted);
  str(tag(5, LEN), b.contentType);
};

/**
 * Fields 1 to 7 of the events of recent streams, by source port. A stream's three events share these
 * objects (by reference: emitted events are never modified), so the second and third copy the bytes the
 * first wrote. Direct-mapped: a collision only costs encoding them again. Entries point into the current
 * slab and are dropped with it.
 */
interface EnvelopeBytes {
  source: TcpAddress | undefined;
  sourceMeta: object;
  destination: TcpAddress | undefined;
  destinationMeta: object;
  proxyDirection: number;
  routeMeta: object;
  routeContext: RouteContext | undefined;
  start: number;
  end: number;
}
const ENVELOPE_SLOTS = 128;
let envelopes: (EnvelopeBytes | undefined)[] = new Array<EnvelopeBytes | undefined>(ENVELOPE_SLOTS);
/** The entry the last writeEnvelope() made (undefined when it copied a cached one); close() keeps it in place. */
let freshEnvelope: EnvelopeBytes | undefined;

function writeEnvelope(e: TapEvent): void {
  const slot = (e.source?.port ?? 0) & (ENVELOPE_SLOTS - 1);
  const c = envelopes[slot];
  if (
    c !== undefined &&
    c.source === e.source &&
    c.routeContext === e.routeContext &&
    c.sourceMeta === e.sourceMeta &&
    c.destination === e.destination &&
    c.destinationMeta === e.destinationMeta &&
    c.proxyDirection === e.proxyDirection &&
    c.routeMeta === e.routeMeta
  ) {
    const n = c.end - c.start;
    ensure(n);
    buf.copyWithin(pos, c.start, c.end);
    pos += n;
    freshEnvelope = undefined;
    return;
  }
  const start = pos;
  message(tag(1, LEN), e.source, tcpAddress);
  map(tag(2, LEN), e.sourceMeta);
  message(tag(3, LEN), e.destination, tcpAddress);
  map(tag(4, LEN), e.destinationMeta);
  if (e.proxyDirection !== 0) int32Field(tag(5, 0), e.proxyDirection);
  map(tag(6, LEN), e.routeMeta);
  message(tag(7, LEN), e.routeContext, routeContext);
  envelopes[slot] = freshEnvelope = {
    source: e.source,
    sourceMeta: e.sourceMeta,
    destination: e.destination,
    destinationMeta: e.destinationMeta,
    proxyDirection: e.proxyDirection,
    routeMeta: e.routeMeta,
    routeContext: e.routeContext,
    start,
    end: pos,
  };
}

const requestInit = (v: TapEvent_RequestInit) => {
  message(tag(1, LEN), v.id, streamId);
  str(tag(2, LEN), v.method);
  if (v.scheme !== 0) int32Field(tag(3, 0), v.scheme);
  str(tag(4, LEN), v.authority);
  str(tag(5, LEN), v.path);
  message(tag(6, LEN), v.headers, headers);
};

const responseInit = (v: TapEvent_ResponseInit) => {
  message(tag(1, LEN), v.id, streamId);
  message(tag(2, LEN), v.sinceRequestInit, duration);
  uint(tag(3, 0), v.httpStatus);
  message(tag(4, LEN), v.headers, headers);
};

const responseEnd = (v: TapEvent_ResponseEnd) => {
  message(tag(1, LEN), v.id, streamId);
  message(tag(2, LEN), v.sinceRequestInit, duration);
  message(tag(3, LEN), v.sinceResponseInit, duration);
  uint64(tag(4, 0), v.responseBytes);
  // A oneof member is written when set, zero or not.
  if (v.eos.case === "grpcStatusCode") varintField(tag(5, 0), v.eos.value);
  else if (v.eos.case === "resetErrorCode") varintField(tag(6, 0), v.eos.value);
  message(tag(7, LEN), v.trailers, headers);
  str(tag(8, LEN), v.responseFlags);
  uint(tag(9, 0), v.retryAttempts);
  message(tag(10, LEN), v.requestBody, body);
  message(tag(11, LEN), v.responseBody, body);
  uint64(tag(12, 0), v.requestBytes);
};

const drops = (v: TapEvent_Drops) => {
  uint64(tag(1, 0), v.queueDropped);
  uint64(tag(2, 0), v.rateLimited);
};

function writeEvent(e: TapEvent): void {
  writeEnvelope(e);
  const ev = e.event;
  switch (ev.case) {
    case "requestInit":
      return message(tag(10, LEN), ev.value, requestInit);
    case "responseInit":
      return message(tag(11, LEN), ev.value, responseInit);
    case "responseEnd":
      return message(tag(12, LEN), ev.value, responseEnd);
    case "drops":
      return message(tag(13, LEN), ev.value, drops);
  }
}

function varintField(t: number, v: number): void {
  ensure(1);
  buf[pos++] = t;
  varint(v);
}

/** Enums are int32 on the wire. */
function int32Field(t: number, v: number): void {
  ensure(1);
  buf[pos++] = t;
  int32(v);
}

/** Runs `write` into the slab; the bytes are buf[begin, pos). A full slab is replaced and `write` runs again. */
function writeToSlab(write: () => void): void {
  for (;;) {
    begin = pos;
    try {
      write();
      return;
    } catch (err) {
      if (err !== SLAB_FULL) throw err;
      // Not enough room left: a new slab, with room for twice what was written before it ran out (a whole
      // slab that was too small doubles), so a batch is encoded again at most once or twice.
      buf = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, begin === 0 ? buf.length * 2 : (pos - begin) * 2));
      pos = 0;
      envelopes = new Array<EnvelopeBytes | undefined>(ENVELOPE_SLOTS);
      freshEnvelope = undefined;
    }
  }
}

/** Runs `write` into the slab; false when toBinary has to do it (unknown fields below the top level). */
function encode(write: () => void): boolean {
  try {
    writeToSlab(write);
    return true;
  } catch (err) {
    // (What it wrote stays: a cached envelope may point into it.)
    if (err === UNENCODABLE) return false;
    throw err;
  }
}

/** The event's protobuf encoding: exactly toBinary(TapEventSchema, e). */
export function encodeTapEvent(e: TapEvent): Uint8Array {
  return !e.$unknown?.length && encode(() => writeEvent(e)) ? buf.subarray(begin, pos) : toBinary(TapEventSchema, e);
}

/**
 * A batch as an ObserveResponse whose bytes are all pre-encoded, carried as an unknown field: toBinary (what
 * Connect and gRPC serialize with) then writes exactly the batch's bytes, copying them instead of walking the
 * descriptors of every event. Binary codecs only: a JSON codec writes no unknown fields, so JSON clients get
 * the events themselves (as do batches holding an event with unknown fields, which toBinary encodes).
 */
export function preEncodedObserveResponse(events: TapEvent[]): ObserveResponse {
  const plain: ObserveResponse = { $typeName: "meshdash.tap.v1.ObserveResponse", events };
  const encoded =
    !events.some((e) => e.$unknown?.length) &&
    encode(() => {
      for (const e of events) {
        ensure(1);
        buf[pos++] = tag(1, LEN);
        const start = open();
        writeEvent(e);
        close(start);
      }
    });
  if (!encoded || pos === begin) return plain;
  // toBinary writes an unknown field as tag + data, so the first event's tag is split off as `no` and
  // `wireType`; the data holds the rest of the bytes (its length, its bytes and every later event) verbatim.
  const t = buf[begin]!;
  return { $typeName: "meshdash.tap.v1.ObserveResponse", events: NO_EVENTS, $unknown: [{ no: t >>> 3, wireType: t & 7, data: buf.subarray(begin + 1, pos) }] };
}

const NO_EVENTS = Object.freeze([]) as unknown as TapEvent[];
