// A lean gRPC bidi stream straight on node:http2, for the ADS methods: length-prefixed requests parsed
// one by one (readMaxBytes enforced), each response written as its envelope header, its known fields and
// its unknown fields' bytes (the pre-encoded resources shared by every proxy) without joining or copying
// them, and grpc-status trailers at the end. A generic RPC stack re-serializes and copies every message
// per stream and keeps the last copies alive; for a mesh-wide RDS or EDS sent to hundreds of proxies
// that dominated the control plane's CPU and memory.

import { fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import http2 from "node:http2";
import type { MessageBytes } from "./request-decode";

export interface GrpcStream<I extends DescMessage, O extends DescMessage> {
  /** Requests in order; throws a ConnectError on a malformed or oversized message. */
  readonly requests: AsyncIterable<MessageShape<I>>;
  /** Writes one response; resolves once it was handed to HTTP/2, or when the stream is gone. */
  write(msg: MessageShape<O>): Promise<void>;
  /** Ends the stream with grpc-status OK, or the error's code. */
  end(err?: unknown): void;
  /** Resets the stream (RST_STREAM CANCEL), e.g. for a client that stopped reading. */
  cancel(): void;
}

const GRPC_CONTENT_TYPES = new Set(["application/grpc", "application/grpc+proto"]);

/** A plain gRPC (protobuf, uncompressed requests) POST: the only kind this layer serves. */
export function isPlainGrpc(req: http2.Http2ServerRequest): boolean {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const encoding = req.headers["grpc-encoding"];
  return req.method === "POST" && GRPC_CONTENT_TYPES.has(type) && (encoding === undefined || encoding === "identity");
}

/** grpc-message is percent-encoded (everything outside printable ASCII, and "%"). */
function grpcMessage(s: string): string {
  return Buffer.from(s, "utf8").reduce((out, b) => out + (b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`), "");
}

/** The message as toBinary would write it (known fields, then unknown ones), in parts. */
function encodeParts<O extends DescMessage>(schema: O, msg: MessageShape<O>): Uint8Array[] {
  const unknown = msg.$unknown;
  if (!unknown?.length) return [toBinary(schema, msg)];
  const parts: Uint8Array[] = [toBinary(schema, { ...msg, $unknown: undefined })];
  for (const u of unknown) parts.push(new BinaryWriter().tag(u.no, u.wireType).finish(), u.data);
  return parts;
}

/** Joins a message's bytes (when split across chunks). */
export function joinMessage(m: MessageBytes): Uint8Array {
  if (m instanceof Uint8Array) return m;
  const out = new Uint8Array(m.end - m.begin);
  let offset = 0;
  for (const c of m.chunks) {
    const lo = Math.max(m.begin, offset);
    const hi = Math.min(m.end, offset + c.byteLength);
    if (lo < hi) out.set(c.subarray(lo - offset, hi - offset), lo - m.begin);
    offset += c.byteLength;
  }
  return out;
}

/** Messages in order; one split across chunks is handed to `parse` as the chunks, not joined. */
async function* readMessages<M>(req: http2.Http2ServerRequest, parse: (m: MessageBytes) => M, readMaxBytes: number): AsyncGenerator<M> {
  let chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  let head = 0;
  let total = 0;
  let length = -1;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    for (;;) {
      if (length < 0) {
        if (total < 5) break;
        const h = chunks[0]!.length - head >= 5 ? chunks[0]!.subarray(head, head + 5) : Buffer.from(joinMessage({ chunks, begin: head, end: head + 5 }));
        if (h[0]! & 1) throw new ConnectError("received a compressed message without grpc-encoding", Code.Internal);
        length = h.readUInt32BE(1);
        if (length > readMaxBytes) throw new ConnectError(`message size ${length} is larger than configured readMaxBytes ${readMaxBytes}`, Code.ResourceExhausted);
        head += 5;
        total -= 5;
        while (chunks.length && head >= chunks[0]!.length) head -= chunks.shift()!.length;
      }
      if (total < length) break;
      const first = chunks[0];
      const m: MessageBytes = !first ? new Uint8Array(0) : first.length - head >= length ? new Uint8Array(first.buffer, first.byteOffset + head, length) : { chunks: [...chunks], begin: head, end: head + length };
      let msg: M;
      try {
        msg = parse(m);
      } catch (e) {
        throw new ConnectError(`parse binary: ${e instanceof Error ? e.message : String(e)}`, Code.Internal);
      }
      head += length;
      total -= length;
      length = -1;
      while (chunks.length && head >= chunks[0]!.length) head -= chunks.shift()!.length;
      yield msg;
    }
  }
  if (total || length >= 0) throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
}

export function openGrpcStream<I extends DescMessage, O extends DescMessage>(
  req: http2.Http2ServerRequest,
  res: http2.Http2ServerResponse,
  schemas: { input: I; output: O; parse?: (m: MessageBytes) => MessageShape<I> },
  readMaxBytes: number,
): GrpcStream<I, O> {
  const stream = res.stream;
  const pending = new Set<() => void>();
  let ended = false;
  const settle = () => {
    for (const r of [...pending]) r();
  };
  stream.once("close", settle);
  res.writeHead(200, { "content-type": req.headers["content-type"] as string, "grpc-accept-encoding": "identity" });

  return {
    requests: readMessages(req, schemas.parse ?? ((m) => fromBinary(schemas.input, joinMessage(m))), readMaxBytes),
    write(msg) {
      if (ended || stream.destroyed || stream.closed) return Promise.resolve();
      const parts = encodeParts(schemas.output, msg);
      const head = Buffer.alloc(5);
      head.writeUInt32BE(parts.reduce((n, p) => n + p.byteLength, 0), 1);
      return new Promise<void>((resolve) => {
        const done = () => {
          pending.delete(done);
          resolve();
        };
        pending.add(done);
        stream.cork();
        res.write(head);
        for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]!);
        res.write(parts[parts.length - 1]!, () => done());
        stream.uncork();
      });
    },
    end(err) {
      if (ended) return;
      ended = true;
      const e = err === undefined ? undefined : ConnectError.from(err);
      if (stream.destroyed || stream.closed) return settle();
      res.addTrailers(e ? { "grpc-status": String(e.code), "grpc-message": grpcMessage(e.rawMessage) } : { "grpc-status": "0" });
      res.end();
    },
    cancel() {
      ended = true;
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
      settle();
    },
  };
}
