// gRPC length-prefixed message framing for the ADS client: splits received HTTP/2 data into messages
// (a message within one chunk is a view of it, a large one split across chunks is handed over as the
// chunks, a small split one is copied once), and the 5-byte prefix for messages sent. Also the mapping
// of an HTTP status to a gRPC code (gRPC's rules).

import { Code, ConnectError } from "@connectrpc/connect";

/** A received message: its bytes, or (when large and split across chunks) the chunks and its range in them. */
export type Frame = { bytes: Uint8Array } | { chunks: Buffer[]; begin: number; end: number };

/** Messages at least this large, split across at most this many chunks, are handed over unjoined. */
const UNJOINED_MIN_BYTES = 64 << 10;
const UNJOINED_MAX_CHUNKS = 1024;

/** A plain Uint8Array view (what a parser over Uint8Array gives back for bytes fields), not a Buffer. */
const plain = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Feeds chunks; returns the complete messages they finish. Throws on a message over `maxBytes`. */
export function createFrameReader(maxBytes: number) {
  let chunks: Buffer[] = [];
  /** Index of the first unconsumed chunk, and bytes of it already consumed. */
  let first = 0;
  let head = 0;
  let total = 0;
  let length = -1;

  /** Drops `n` consumed bytes from the front. */
  const consume = (n: number) => {
    total -= n;
    n += head;
    while (first < chunks.length && n >= chunks[first]!.length) n -= chunks[first++]!.length;
    head = n;
    if (first > 64 && first * 2 > chunks.length) {
      chunks = chunks.slice(first);
      first = 0;
    }
  };
  /** A copy of the next `n` bytes (without consuming them). */
  const copyNext = (n: number): Buffer => {
    const out = Buffer.allocUnsafeSlow(n);
    let o = 0;
    for (let i = first, from = head; o < n; i++, from = 0) o += chunks[i]!.copy(out, o, from, Math.min(chunks[i]!.length, from + n - o));
    return out;
  };
  /** The unconsumed chunks covering the next `n` bytes, or undefined when there are too many. */
  const covering = (n: number): Buffer[] | undefined => {
    const list: Buffer[] = [];
    for (let i = first, covered = -head; covered < n; i++) {
      if (list.length === UNJOINED_MAX_CHUNKS) return undefined;
      list.push(chunks[i]!);
      covered += chunks[i]!.length;
    }
    return list;
  };

  return {
    push(chunk: Buffer): Frame[] {
      chunks.push(chunk);
      total += chunk.length;
      const out: Frame[] = [];
      for (;;) {
        if (length < 0) {
          if (total < 5) break;
          const c = chunks[first]!;
          const h = c.length - head >= 5 ? c.subarray(head, head + 5) : copyNext(5);
          if (h[0]! & 1) throw new ConnectError("received a compressed message, but none was negotiated", Code.Internal);
          length = h.readUInt32BE(1);
          if (length > maxBytes) throw new ConnectError(`message size ${length} is larger than the limit ${maxBytes}`, Code.ResourceExhausted);
          consume(5);
        }
        if (total < length) break;
        const c = chunks[first];
        const list = !c || c.length - head >= length || length < UNJOINED_MIN_BYTES ? undefined : covering(length);
        if (!c || c.length - head >= length) out.push({ bytes: c ? plain(c.subarray(head, head + length)) : new Uint8Array(0) });
        else if (list) out.push({ chunks: list, begin: head, end: head + length });
        else out.push({ bytes: plain(copyNext(length)) });
        consume(length);
        length = -1;
      }
      return out;
    },
    /** Bytes of an unfinished message (or header). */
    get pending() {
      return total + (length < 0 ? 0 : 5);
    },
  };
}

/** The 5-byte prefix of an uncompressed message of `length` bytes. */
export function framePrefix(length: number): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(length, 1);
  return head;
}

/** gRPC's mapping for a response that is not HTTP 200 (it carries no grpc-status of its own). */
export function codeFromHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}

/** grpc-message is percent-encoded. */
export function decodeGrpcMessage(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return "";
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
