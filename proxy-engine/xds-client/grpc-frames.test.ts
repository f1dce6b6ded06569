// gRPC message framing on the client: messages split across any chunking come out whole and in order;
// large ones split across a few chunks are handed over unjoined with their range; oversized and
// compressed messages are refused.

import { describe, expect, it } from "vitest";
import { createFrameReader, framePrefix, type Frame } from "./grpc-frames";

const msg = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255));
const bytesOf = (f: Frame) => ("bytes" in f ? Buffer.from(f.bytes) : Buffer.concat(f.chunks).subarray(f.begin, f.end));

describe("frame reader", () => {
  it("reassembles messages across every chunking", () => {
    const messages = [msg(0, 1), msg(7, 2), msg(70_000, 3), msg(300, 4), msg(200_000, 5)];
    const wire = Buffer.concat(messages.flatMap((m) => [framePrefix(m.length), m]));
    for (const size of [1, 3, 5, 6, 16_384, 65_536, wire.length]) {
      const reader = createFrameReader(1 << 20);
      const out: Frame[] = [];
      for (let i = 0; i < wire.length; i += size) out.push(...reader.push(wire.subarray(i, i + size)));
      expect(out.map(bytesOf)).toEqual(messages);
      expect(reader.pending).toBe(0);
      // Large messages split across a few chunks are not joined (across thousands, they are).
      expect(out.filter((f) => "chunks" in f).length).toBe(size === 16_384 || size === 65_536 ? 2 : 0);
    }
  });

  it("refuses oversized and compressed messages", () => {
    expect(() => createFrameReader(10).push(Buffer.concat([framePrefix(11), Buffer.alloc(11)]))).toThrow(/larger than the limit/);
    const compressed = framePrefix(1);
    compressed[0] = 1;
    expect(() => createFrameReader(10).push(compressed)).toThrow(/compressed/);
  });
});
