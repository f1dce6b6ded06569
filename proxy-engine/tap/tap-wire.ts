// Tap events written as protobuf bytes straight from a stream's state, on the request path: no TapEvent
// objects, no reflection, no per-field allocation. The bytes are exactly what toBinary(TapEventSchema, e)
// writes for the equivalent message (tap-wire.test.ts checks each writer against it), so every consumer
// decodes them with the generated schema, and a batch reaches the wire by copying, never re-encoding.

import { fromBinary } from "@bufbuild/protobuf";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { TapEventSchema, type TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { isSecretHeader, REDACTED } from "./redact";

/** One TapEvent's protobuf encoding. */
export type TapEventBytes = Uint8Array;

export function decodeTapEvent(bytes: TapEventBytes): TapEvent {
  return fromBinary(TapEventSchema, bytes);
}

type AnyHeaders = IncomingHttpHeaders | OutgoingHttpHeaders;

/** What every event of a stream carries (TapEvent fields 1 to 7). */
export interface EnvelopeFields {
  sourceIp: string;
  sourcePort: number;
  sourceMeta: Readonly<Record<string, string>>;
  destinationIp: string;
  destinationPort: number;
  destinationMeta: Readonly<Record<string, string>>;
  proxyDirection: number;
  routeMeta: Readonly<Record<string, string>>;
  proxy: string;
  listener: string;
  virtualHost: string;
  route: string;
  cluster: string;
  endpoint: string;
  configVersion: string;
}

/** A captured body (the Body message's fields). */
export interface BodyFields {
  data: Uint8Array;
  truncated: boolean;
  totalBytes: number;
  redacted: boolean;
  contentType: string;
}

export interface ResponseEndFields {
  sinceRequestInitMs: number;
  sinceResponseInitMs: number;
  responseBytes: number;
  /** The eos oneof: at most one is set. */
  grpcStatus: number | undefined;
  resetErrorCode: number | undefined;
  trailers: AnyHeaders | undefined;
  responseFlags: string;
  retryAttempts: number;
  requestBytes: number;
  requestBody: BodyFields | undefined;
  responseBody: BodyFields | undefined;
}

// Events are written into a shared slab and handed out as views of it, as Node's Buffer pool does. Bytes
// once handed out are never overwritten; a full slab is dropped (its views keep it alive while they live,
// so whoever keeps events for long keeps copies: see TapService's queue). 64 KiB: a few hundred events.
const SLAB_BYTES = 64 * 1024;
let buf = Buffer.allocUnsafeSlow(SLAB_BYTES);
let pos = 0;

/** Thrown when the slab is full mid-event, which is then written again into a new slab (no stack to capture). */
const SLAB_FULL = Object.freeze({ reason: "tap-wire slab full" });

/** What the write that found the slab full asked room for. */
let wanted = 0;

function ensure(n: number): void {
  if (pos + n > buf.length) {
    wanted = n;
    throw SLAB_FULL;
  }
}

/** What was written since `begin`, as a plain Uint8Array view of the slab (cheaper to make than Buffer#subarray's). */
function view(begin: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + begin, pos - begin);
}

/**
 * After SLAB_FULL mid-event: a new slab with room for twice what was written of the event plus what the
 * failing write wanted (a body capture, a long header: a huge event fits within a try or two, whatever the
 * slab size), and the event is written again from its start. Anything else is rethrown.
 */
function nextSlab(err: unknown, begin: number): void {
  if (err !== SLAB_FULL) throw err;
  buf = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, (pos - begin + wanted) * 2 + 1024));
  pos = 0;
}

/** A non-negative integer below 2^53. */
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

/** Tag byte (fields below 16) and a varint; a proto3 scalar at its default (0) is left out. */
function uintField(tag: number, v: number): void {
  if (v === 0) return;
  ensure(1);
  buf[pos++] = tag;
  varint(v);
}

/** An int32 (enums, Duration.nanos): negatives are sign-extended to ten bytes. */
function int32Field(tag: number, v: number): void {
  if (v >= 0) return uintField(tag, v);
  ensure(11);
  buf[pos++] = tag;
  let u = BigInt.asUintN(64, BigInt(v));
  while (u > 127n) {
    buf[pos++] = Number(u & 127n) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
}

/**
 * Opens a length-delimited field: tag, then one byte reserved for the length, which fits any body under 128
 * bytes; close() moves a longer body right to make room. Returns where the length goes.
 */
function open(tag: number): number {
  ensure(2);
  buf[pos++] = tag;
  return pos++;
}

function close(at: number): void {
  const len = pos - at - 1;
  if (len < 128) {
    buf[at] = len;
    return;
  }
  let extra = 0;
  for (let l = len >>> 7; l > 0; l >>>= 7) extra++;
  ensure(extra);
  buf.copyWithin(at + 1 + extra, at + 1, pos);
  pos += extra;
  let p = at;
  let v = len;
  while (v > 127) {
    buf[p++] = (v & 127) | 0x80;
    v >>>= 7;
  }
  buf[p] = v;
}

/**
 * Opens a field whose body is usually 128 to 16383 bytes (an event's body, a header list): two bytes are
 * reserved for its length, so close2() mostly writes them in place instead of moving the body.
 */
function open2(tag: number): number {
  ensure(3);
  buf[pos++] = tag;
  const at = pos;
  pos += 2;
  return at;
}

function close2(at: number): void {
  const len = pos - at - 2;
  if (len >= 128 && len < 16384) {
    buf[at] = (len & 127) | 0x80;
    buf[at + 1] = len >>> 7;
    return;
  }
  if (len < 128) {
    buf.copyWithin(at + 1, at + 2, pos);
    pos--;
    buf[at] = len;
    return;
  }
  // 16 KiB or more (bodies, huge headers): one byte was reserved too few or more; close() moves it right.
  buf.copyWithin(at + 1, at + 2, pos);
  pos--;
  close(at);
}

/** Tag and UTF-8 string, even when empty (map entries, headers); ASCII is copied in JS, faster than a native call for short strings. */
function stringAlways(tag: number, s: string): void {
  const n = s.length;
  ensure(n * 3 + 12);
  buf[pos++] = tag;
  const at = pos++;
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
  close(at);
}

/** A string field, left out when empty (proto3 implicit presence). */
function stringField(tag: number, s: string): void {
  if (s !== "") stringAlways(tag, s);
}

function bytesField(tag: number, v: Uint8Array): void {
  if (v.length === 0) return;
  ensure(v.length + 11);
  buf[pos++] = tag;
  varint(v.length);
  buf.set(v, pos);
  pos += v.length;
}

function mapField(tag: number, m: Readonly<Record<string, string>>): void {
  for (const key in m) {
    const at = open(tag);
    stringAlways(0x0a, key);
    stringAlways(0x12, m[key]!);
    close(at);
  }
}

/** A google.protobuf.Duration from fractional milliseconds, in whole nanoseconds; always present (a message field). */
function durationField(tag: number, ms: number): void {
  const totalNanos = Math.max(0, Math.round(ms * 1e6));
  const seconds = Math.floor(totalNanos / 1e9);
  const at = open(tag);
  uintField(0x08, seconds);
  int32Field(0x10, totalNanos - seconds * 1e9);
  close(at);
}

function streamIdField(base: number, stream: number): void {
  const at = open(0x0a);
  uintField(0x08, base);
  uintField(0x10, stream);
  close(at);
}

/**
 * A Headers message from Node's headers, one Header per value, secrets redacted. HTTP/2 pseudo-headers are
 * left out, as Linkerd's tap does: RequestInit carries method, scheme, authority and path itself, and
 * `:path` would add the query string (tokens, sometimes), which RequestInit.path leaves out as Linkerd's does.
 */
function headersField(tag: number, h: AnyHeaders): void {
  const at = open2(tag);
  for (const name in h) {
    const v = h[name];
    if (v === undefined || name.charCodeAt(0) === 58) continue;
    const secret = isSecretHeader(name);
    if (Array.isArray(v)) {
      for (const value of v) header(name, secret ? REDACTED : value);
    } else header(name, secret ? REDACTED : typeof v === "string" ? v : String(v));
  }
  close2(at);
}

function header(name: string, value: string): void {
  const at = open(0x0a);
  stringField(0x0a, name);
  stringField(0x12, value);
  close(at);
}

function bodyField(tag: number, b: BodyFields): void {
  const at = open(tag);
  bytesField(0x0a, b.data);
  if (b.truncated) uintField(0x10, 1);
  uintField(0x18, b.totalBytes);
  if (b.redacted) uintField(0x20, 1);
  stringField(0x2a, b.contentType);
  close(at);
}

// Each writer below repeats its retry loop (write, or on SLAB_FULL take a new slab and write again) rather
// than handing a closure to one helper: they run for every tapped event, on the request path.

/** TapEvent fields 1 to 7, which a stream's events share: written once, copied into each event. */
export function encodeEnvelope(e: EnvelopeFields): Uint8Array {
  for (;;) {
    const begin = pos;
    try {
      let at = open(0x0a);
      stringField(0x0a, e.sourceIp);
      uintField(0x10, e.sourcePort);
      close(at);
      mapField(0x12, e.sourceMeta);
      at = open(0x1a);
      stringField(0x0a, e.destinationIp);
      uintField(0x10, e.destinationPort);
      close(at);
      mapField(0x22, e.destinationMeta);
      int32Field(0x28, e.proxyDirection);
      mapField(0x32, e.routeMeta);
      at = open(0x3a);
      stringField(0x0a, e.proxy);
      stringField(0x12, e.listener);
      stringField(0x1a, e.virtualHost);
      stringField(0x22, e.route);
      stringField(0x2a, e.cluster);
      stringField(0x32, e.endpoint);
      stringField(0x3a, e.configVersion);
      close(at);
      return view(begin);
    } catch (err) {
      nextSlab(err, begin);
    }
  }
}

/** Copies the envelope in. */
function envelope(bytes: Uint8Array): void {
  ensure(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}

export function encodeRequestInit(
  env: Uint8Array,
  base: number,
  stream: number,
  method: string,
  scheme: number,
  authority: string,
  path: string,
  headers: AnyHeaders | undefined,
): TapEventBytes {
  for (;;) {
    const begin = pos;
    try {
      envelope(env);
      const at = open2(0x52);
      streamIdField(base, stream);
      stringField(0x12, method);
      int32Field(0x18, scheme);
      stringField(0x22, authority);
      stringField(0x2a, path);
      if (headers) headersField(0x32, headers);
      close2(at);
      return view(begin);
    } catch (err) {
      nextSlab(err, begin);
    }
  }
}

export function encodeResponseInit(env: Uint8Array, base: number, stream: number, sinceRequestInitMs: number, httpStatus: number, headers: AnyHeaders | undefined): TapEventBytes {
  for (;;) {
    const begin = pos;
    try {
      envelope(env);
      const at = open2(0x5a);
      streamIdField(base, stream);
      durationField(0x12, sinceRequestInitMs);
      uintField(0x18, httpStatus);
      if (headers) headersField(0x22, headers);
      close2(at);
      return view(begin);
    } catch (err) {
      nextSlab(err, begin);
    }
  }
}

export function encodeResponseEnd(env: Uint8Array, base: number, stream: number, f: ResponseEndFields): TapEventBytes {
  for (;;) {
    const begin = pos;
    try {
      envelope(env);
      const at = open2(0x62);
      streamIdField(base, stream);
      durationField(0x12, f.sinceRequestInitMs);
      durationField(0x1a, f.sinceResponseInitMs);
      uintField(0x20, f.responseBytes);
      // A oneof member is written when set, zero or not.
      if (f.grpcStatus !== undefined) {
        ensure(1);
        buf[pos++] = 0x28;
        varint(f.grpcStatus);
      } else if (f.resetErrorCode !== undefined) {
        ensure(1);
        buf[pos++] = 0x30;
        varint(f.resetErrorCode);
      }
      if (f.trailers) headersField(0x3a, f.trailers);
      stringField(0x42, f.responseFlags);
      uintField(0x48, f.retryAttempts);
      if (f.requestBody) bodyField(0x52, f.requestBody);
      if (f.responseBody) bodyField(0x5a, f.responseBody);
      uintField(0x60, f.requestBytes);
      close2(at);
      return view(begin);
    } catch (err) {
      nextSlab(err, begin);
    }
  }
}
