// Large DiscoveryResponses parsed without joining their chunks: the clients of one process receive the
// same resources (a mesh-wide RDS, a full CDS or EDS), so the run of `resources` entries is looked up
// by content among recent runs (an exact chunk-by-chunk comparison) and, when found, its resources are
// the ones parsed from that stored copy before (one shared, read-only list); the other fields come from
// a small copy. Protobuf fields merge, so the result is what parsing the whole message gives. Anything
// unusual returns undefined (the caller joins the chunks and parses them).

import { create, fromBinary, mergeFromBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { DiscoveryResponseSchema, type DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";

/** DiscoveryResponse.resources. */
const RESOURCES_FIELD = 2;
const RECENT_RUNS = 8;
/** Recent runs of resources (most recent last) and the resources parsed from them, shared read-only. */
const runs: { bytes: Uint8Array; resources: Any[] }[] = [];
/** The buffers of stored runs: this module's own copies, never modified. */
const stored = new WeakSet<ArrayBufferLike>();

/** Whether bytes live in a stored run (so they never change and may be kept without a copy). */
export function isStoredRun(bytes: Uint8Array): boolean {
  return stored.has(bytes.buffer);
}


/** A copy of bytes [from, to) of the concatenation (the chunks themselves are not joined). */
function copyRange(chunks: readonly Buffer[], starts: readonly number[], from: number, to: number): Uint8Array {
  const out = Buffer.allocUnsafeSlow(to - from);
  for (let i = 0; i < chunks.length; i++) {
    const s = starts[i]!;
    const lo = Math.max(from, s);
    const hi = Math.min(to, s + chunks[i]!.length);
    if (lo < hi) chunks[i]!.copy(out, lo - from, lo - s, hi - s);
  }
  // A plain Uint8Array, as a parser's bytes fields are (a Buffer's subarrays would be Buffers).
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Whether `run` equals bytes [from, from + run.length) of the concatenation. */
function equalsRange(run: Uint8Array, chunks: readonly Buffer[], starts: readonly number[], from: number): boolean {
  const to = from + run.byteLength;
  for (let i = 0; i < chunks.length; i++) {
    const s = starts[i]!;
    const lo = Math.max(from, s);
    const hi = Math.min(to, s + chunks[i]!.length);
    if (lo < hi && chunks[i]!.compare(run, lo - from, hi - from, lo - s, hi - s) !== 0) return false;
  }
  return true;
}

/**
 * Parses the message occupying bytes [begin, end) of the chunks' concatenation, or returns undefined
 * when its layout is not the usual one (then the caller joins the chunks and parses them as usual).
 */
export function parseChunkedResponse(chunks: readonly Buffer[], begin: number, end: number): DiscoveryResponse | undefined {
  const starts: number[] = [];
  let offset = 0;
  for (const c of chunks) {
    starts.push(offset);
    offset += c.length;
  }
  let pos = begin;
  let ci = 0;
  /** The byte at `pos` (which only moves forward), read across chunk boundaries. */
  const byteAtPos = () => {
    while (pos >= starts[ci]! + chunks[ci]!.length) ci++;
    return chunks[ci]![pos - starts[ci]!]!;
  };
  const varint = () => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) return -1;
      const b = byteAtPos();
      pos++;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    return -1;
  };
  let runStart = -1;
  let runEnd = -1;
  const rest: [number, number][] = [];
  while (pos < end) {
    const fieldStart = pos;
    const tag = varint();
    if (tag < 0) return undefined;
    const wireType = tag % 8;
    if (wireType === 0) {
      if (varint() < 0) return undefined;
    } else if (wireType === 2) {
      const len = varint();
      if (len < 0 || pos + len > end) return undefined;
      pos += len;
    } else return undefined;
    if (Math.floor(tag / 8) !== RESOURCES_FIELD) rest.push([fieldStart, pos]);
    else if (runStart < 0) [runStart, runEnd] = [fieldStart, pos];
    else if (fieldStart === runEnd) runEnd = pos;
    else return undefined; // resources interleaved with other fields
  }
  if (runStart < 0) return undefined;
  const length = runEnd - runStart;
  let run = runs.find((r) => r.bytes.byteLength === length && equalsRange(r.bytes, chunks, starts, runStart));
  if (!run) {
    const bytes = copyRange(chunks, starts, runStart, runEnd);
    stored.add(bytes.buffer);
    run = { bytes, resources: mergeFromBinary(DiscoveryResponseSchema, create(DiscoveryResponseSchema), bytes).resources };
    runs.push(run);
    if (runs.length > RECENT_RUNS) runs.shift();
  }
  const parts = rest.map(([a, b]) => copyRange(chunks, starts, a, b));
  const joined = Buffer.concat(parts);
  const msg = fromBinary(DiscoveryResponseSchema, new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength));
  // The run holds only resources, so this is what merging it would give; the list is shared, read-only.
  msg.resources = run.resources;
  return msg;
}
