// DiscoveryRequest parsing for the lean gRPC layer. An EDS ACK names every subscribed cluster (a
// thousand strings, tens of KiB, in a mesh of a thousand services) and every proxy sends the same list,
// so the resource_names block is compared byte for byte with recently seen blocks (read from the
// received chunks, without joining them) and its decoded list reused (frozen: it is shared); the rest
// of the message (version, nonce, type URL, error) is parsed as usual. Protobuf fields merge, so parsing
// the block and the rest apart gives exactly what parsing the whole message gives.

import { fromBinary } from "@bufbuild/protobuf";
import { DiscoveryRequestSchema, type DiscoveryRequest } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";

/** DiscoveryRequest.resource_names. */
const RESOURCE_NAMES_FIELD = 3;
/** Smaller blocks are cheaper to decode than to look up. */
const MIN_BLOCK_BYTES = 1024;
const MAX_ENTRIES = 16;
/**
 * Larger blocks are decoded, not kept: a client chooses the names, and 16 kept blocks of the 16 MiB a
 * request may have would pin 256 MiB. A mesh of a thousand services names about 60 KiB.
 */
export const MAX_KEPT_BLOCK_BYTES = 1 << 20;
/** Encoded blocks (copies) and their decoded lists, most recently used last. */
const lists: { block: Uint8Array; names: readonly string[] }[] = [];

/** A message's bytes: one array, or [begin, end) of the concatenation of chunks. */
export type MessageBytes = Uint8Array | { chunks: readonly Uint8Array[]; begin: number; end: number };

interface Span {
  chunks: readonly Uint8Array[];
  starts: number[];
}

function spanOf(m: MessageBytes): { span: Span; begin: number; end: number } {
  const chunks = m instanceof Uint8Array ? [m] : m.chunks;
  const starts: number[] = [];
  let offset = 0;
  for (const c of chunks) {
    starts.push(offset);
    offset += c.byteLength;
  }
  return m instanceof Uint8Array ? { span: { chunks, starts }, begin: 0, end: m.byteLength } : { span: { chunks, starts }, begin: m.begin, end: m.end };
}

/** Bytes [from, to) of the concatenation, copied. */
function copy(s: Span, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  s.chunks.forEach((c, i) => {
    const lo = Math.max(from, s.starts[i]!);
    const hi = Math.min(to, s.starts[i]! + c.byteLength);
    if (lo < hi) out.set(c.subarray(lo - s.starts[i]!, hi - s.starts[i]!), lo - from);
  });
  return out;
}

/** Whether `block` equals bytes [from, from + its length) of the concatenation. */
function equals(block: Uint8Array, s: Span, from: number): boolean {
  const to = from + block.byteLength;
  return s.chunks.every((c, i) => {
    const lo = Math.max(from, s.starts[i]!);
    const hi = Math.min(to, s.starts[i]! + c.byteLength);
    return lo >= hi || Buffer.compare(c.subarray(lo - s.starts[i]!, hi - s.starts[i]!), block.subarray(lo - from, hi - from)) === 0;
  });
}

/** The top-level fields: where the resource_names run is (if contiguous) and where the others are. */
function layout(s: Span, begin: number, end: number): { block?: [number, number]; rest: [number, number][] } | undefined {
  let ci = 0;
  let pos = begin;
  const byte = () => {
    while (pos >= s.starts[ci]! + s.chunks[ci]!.byteLength) ci++;
    return s.chunks[ci]![pos++ - s.starts[ci]!]!;
  };
  const varint = () => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) return -1;
      const b = byte();
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    return -1;
  };
  let block: [number, number] | undefined;
  const rest: [number, number][] = [];
  while (pos < end) {
    const at = pos;
    const tag = varint();
    const wireType = tag % 8;
    if (tag < 0) return undefined;
    if (wireType === 0) {
      if (varint() < 0) return undefined;
    } else if (wireType === 2) {
      const len = varint();
      if (len < 0 || pos + len > end) return undefined;
      pos += len;
    } else if (wireType === 1 || wireType === 5) pos += wireType === 1 ? 8 : 4;
    else return undefined;
    if (pos > end) return undefined;
    if (Math.floor(tag / 8) !== RESOURCE_NAMES_FIELD) rest.push([at, pos]);
    else if (!block) block = [at, pos];
    else if (block[1] === at) block[1] = pos;
    else return undefined;
  }
  return { block, rest };
}

/** Bytes of the name blocks kept for reuse (tests). */
export function keptBlockBytes(): number {
  return lists.reduce((n, e) => n + e.block.byteLength, 0);
}

export function parseDiscoveryRequest(message: MessageBytes): DiscoveryRequest {
  const { span, begin, end } = spanOf(message);
  const whole = () => fromBinary(DiscoveryRequestSchema, message instanceof Uint8Array ? message : copy(span, begin, end));
  const fields = layout(span, begin, end);
  const block = fields?.block;
  if (!fields || !block || block[1] - block[0] < MIN_BLOCK_BYTES) return whole(); // malformed: fromBinary reports it
  let i = lists.length - 1;
  while (i >= 0 && !(lists[i]!.block.byteLength === block[1] - block[0] && equals(lists[i]!.block, span, block[0]))) i--;
  let entry = i >= 0 ? lists.splice(i, 1)[0] : undefined;
  if (!entry) {
    const bytes = copy(span, block[0], block[1]);
    entry = { block: bytes, names: Object.freeze(fromBinary(DiscoveryRequestSchema, bytes).resourceNames) };
  }
  if (entry.block.byteLength <= MAX_KEPT_BLOCK_BYTES) {
    lists.push(entry);
    if (lists.length > MAX_ENTRIES) lists.shift();
  }
  const restLength = fields.rest.reduce((n, [a, b]) => n + b - a, 0);
  const rest = new Uint8Array(restLength);
  let at = 0;
  for (const [a, b] of fields.rest) {
    rest.set(copy(span, a, b), at);
    at += b - a;
  }
  const msg = fromBinary(DiscoveryRequestSchema, rest);
  // Shared and frozen: requests are only read.
  msg.resourceNames = entry.names as string[];
  return msg;
}
