// Tells HTTP/2 prior-knowledge (h2c) connections from HTTP/1.1 by their first bytes, so one port serves
// browsers (HTTP/1.1) and gRPC clients (h2c). Robust to short first reads: it waits until the bytes seen
// either diverge from the HTTP/2 preface or complete it.

import type { Socket } from "node:net";

export const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export type Protocol = "h1" | "h2";

/** "h2" or "h1" once decidable from `seen`, undefined while it is still a prefix of the preface. */
export function classify(seen: Buffer): Protocol | undefined {
  const n = Math.min(seen.length, H2_PREFACE.length);
  if (seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return n === H2_PREFACE.length ? "h2" : undefined;
  return "h1";
}

/**
 * Reads the first bytes of `socket`, then calls `done` with the protocol and the bytes consumed so far.
 * The caller hands the socket to its server and replays `head` into it (see front-door.ts for why not unshift).
 */
export function sniffProtocol(socket: Socket, timeoutMs: number, done: (protocol: Protocol, head: Buffer) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const cleanup = () => {
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("close", onClose);
  };
  const onClose = () => cleanup();
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const protocol = classify(seen);
    if (!protocol) return;
    cleanup();
    // Stop flowing so nothing is emitted to no listener before the new owner takes the socket.
    socket.pause();
    done(protocol, seen);
  };
  socket.on("data", onData);
  socket.on("close", onClose);
}
