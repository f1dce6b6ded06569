// bench:tap's tap subscriber: calls TapService.Observe over gRPC (h2c) as `meshdash tap` does, but reads the
// stream by its framing alone, counting events without decoding them, so that on a shared 2-core machine the
// client's own cost stays small and off the proxy's CPU. Commands on stdin, one per line:
//   start <mode>  opens a tap (modes below); prints "registered" when the server's first message arrives
//   stop          cancels it; prints "stopped <events> <messages> <queue_dropped>" once the stream is closed
// Env: TAP_PORT.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import http2 from "node:http2";
import readline from "node:readline";
import { ObserveRequestSchema, TapEventSchema, type ObserveRequest } from "../proto/gen/meshdash/tap/v1/tap_pb";
import { MAX_TAP_LIMIT, MAX_TAP_MAX_RPS } from "../server/rpc/tap-service";

export type TapMode = "none" | "nomatch" | "all" | "all-unlimited";

const headers = { extract: { case: "http" as const, value: { extract: { case: "headers" as const, value: {} } } } };
const REQUESTS: Record<Exclude<TapMode, "none">, ObserveRequest> = {
  nomatch: create(ObserveRequestSchema, {
    limit: MAX_TAP_LIMIT,
    match: { match: { case: "http", value: { match: { case: "path", value: { match: { case: "prefix", value: "/never" } } } } } },
    extract: headers,
  }),
  // max_rps 0 is the server's default, 100 per second.
  all: create(ObserveRequestSchema, { limit: MAX_TAP_LIMIT, extract: headers }),
  "all-unlimited": create(ObserveRequestSchema, { limit: MAX_TAP_LIMIT, maxRps: MAX_TAP_MAX_RPS, extract: headers }),
};

const session = http2.connect(`http://127.0.0.1:${process.env.TAP_PORT}`);
session.on("error", (e) => {
  console.error(`subscriber: ${e.message}`);
  process.exit(1);
});

let stream: http2.ClientHttp2Stream | undefined;

/** Reads one varint at `at` in `b`: [value, next offset]. */
function varint(b: Buffer, at: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++]!;
    v += (byte & 127) * 2 ** shift;
    if (byte < 128) return [v, at];
    shift += 7;
  }
}

const DROPS_FIELD = 13; // TapEvent.drops

function start(mode: Exclude<TapMode, "none">): void {
  const body = toBinary(ObserveRequestSchema, REQUESTS[mode]);
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, 5);
  const s = session.request({ ":method": "POST", ":path": "/meshdash.tap.v1.TapService/Observe", "content-type": "application/grpc+proto", te: "trailers" });
  stream = s;
  // Chunks of a message still arriving: joined once it is whole (joining on every 16 KiB chunk made this
  // process copy each 128 KiB message many times over, on the CPU the load generator shares).
  let pending: Buffer = Buffer.alloc(0);
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let messages = 0;
  let events = 0;
  let queueDropped = 0;
  s.on("data", (chunk: Buffer) => {
    if (pending.length + partsBytes > 0) {
      parts.push(chunk);
      partsBytes += chunk.length;
      const need = pending.length >= 5 ? 5 + pending.readUInt32BE(1) : 5;
      if (pending.length + partsBytes < need) return;
      pending = Buffer.concat([pending, ...parts]);
      parts = [];
      partsBytes = 0;
    } else pending = chunk;
    while (pending.length >= 5) {
      const len = pending.readUInt32BE(1);
      if (pending.length < 5 + len) break;
      // ObserveResponse: field 1 (events) repeated, length-delimited. Only a Drops event is decoded: it is
      // the one event without an envelope (TapEvent fields 1-7), so its first field is the oneof's.
      for (let at = 5; at < 5 + len; ) {
        const [, afterTag] = varint(pending, at);
        const [size, body] = varint(pending, afterTag);
        events++;
        if (size > 0 && pending[body]! >>> 3 === DROPS_FIELD) {
          const e = fromBinary(TapEventSchema, pending.subarray(body, body + size));
          if (e.event.case === "drops") queueDropped = Number(e.event.value.queueDropped);
          events--;
        }
        at = body + size;
      }
      if (messages++ === 0) console.log("registered");
      pending = pending.subarray(5 + len);
    }
  });
  s.on("close", () => console.log(`stopped ${events} ${messages} ${queueDropped}`));
  s.end(frame);
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const [cmd, mode] = line.trim().split(/\s+/);
  if (cmd === "start") start(mode as Exclude<TapMode, "none">);
  else if (cmd === "stop") stream?.close(http2.constants.NGHTTP2_CANCEL);
});
process.stdin.on("end", () => process.exit(0));
console.log("ready");
