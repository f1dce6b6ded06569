// The HTTP/2 cleartext listener under the ADS service: session tracking, gRPC-style stream shutdown
// after the trailers, keepalive PINGs that cut a proxy which vanished without closing its connection, and
// a stop that closes sessions gracefully and cuts the ones that linger.

import { Code, ConnectError } from "@connectrpc/connect";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { XdsLog } from "./proxy-connection";

export interface H2cServer {
  /** Resolves with the bound "host:port". */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, GOAWAYs every session, destroys those still open after `graceMs`. */
  close(graceMs: number): Promise<void>;
}

type Handler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;

const responses = new WeakMap<http2.Http2ServerRequest, http2.Http2ServerResponse>();

/**
 * Receive windows (stream and connection) for requests: an EDS ACK names every subscribed cluster, and
 * Node's 64 KiB default would make a hundred of them trickle in through WINDOW_UPDATE round trips.
 */
const RECEIVE_WINDOW_BYTES = 4 << 20;

/**
 * Keepalive, as Istio's discovery server sets gRPC's (Time 30 s, Timeout 10 s): each session is PINGed
 * every `intervalMs`, and one that has not answered within `timeoutMs` is destroyed. Without it, a proxy
 * whose host vanished stays "connected" (and SYNCED) until TCP gives up, which takes many minutes.
 */
export interface Keepalive {
  intervalMs: number;
  timeoutMs: number;
}

export const DEFAULT_KEEPALIVE: Keepalive = { intervalMs: 30_000, timeoutMs: 10_000 };

export function createH2cServer(handler: Handler, log: XdsLog, keepalive: Keepalive = DEFAULT_KEEPALIVE): H2cServer {
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer({ settings: { initialWindowSize: RECEIVE_WINDOW_BYTES } }, (req, res) => {
    // After the response and its trailers are out, end a request side the client left open with
    // RST_STREAM(NO_ERROR), as grpc-go does: Connect's node client never half-closes by itself, and a
    // half-open stream would hold its session (and stop()) open. Listeners run in registration order,
    // so this runs after the compat layer submitted the trailers; Node flushes them before the RST.
    responses.set(req, res);
    const stream = res.stream;
    stream.once("wantTrailers", () =>
      setImmediate(() => {
        if (!stream.closed && !stream.destroyed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
      }),
    );
    handler(req, res);
  });
  server.on("session", (session) => {
    sessions.add(session);
    if (!session.destroyed) session.setLocalWindowSize(RECEIVE_WINDOW_BYTES);
    const pinger = keepalive.intervalMs > 0 ? keepPinging(session, keepalive, log) : undefined;
    session.on("close", () => {
      sessions.delete(session);
      clearInterval(pinger);
    });
    session.on("error", (e) => log("debug", `HTTP/2 session error: ${e.message}`));
  });
  server.on("sessionError", (e) => log("debug", `HTTP/2 session error: ${e.message}`));

  return {
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          server.on("error", (e) => log("error", `ADS listener error: ${e.message}`));
          resolve();
        });
      });
      const a = server.address() as AddressInfo;
      return a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    },
    async close(graceMs) {
      if (!server.listening) return;
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sessions) s.close();
      const cut = setTimeout(() => {
        for (const s of sessions) s.destroy();
      }, graceMs);
      await closed;
      clearTimeout(cut);
    },
  };
}

/** PINGs `session` every intervalMs (one PING outstanding at most) and destroys it when an answer is late. */
function keepPinging(session: http2.ServerHttp2Session, { intervalMs, timeoutMs }: Keepalive, log: XdsLog): NodeJS.Timeout {
  let waiting = false;
  const timer = setInterval(() => {
    if (waiting || session.closed || session.destroyed) return;
    waiting = true;
    const late = setTimeout(() => {
      log("warn", `HTTP/2 session from ${session.socket?.remoteAddress ?? "?"}:${session.socket?.remotePort ?? "?"} did not answer a keepalive PING within ${timeoutMs}ms; closing it`);
      session.destroy();
    }, timeoutMs);
    late.unref();
    const sent = session.ping(() => {
      // Answered, or cancelled because the session closed.
      clearTimeout(late);
      waiting = false;
    });
    if (!sent) {
      clearTimeout(late);
      waiting = false;
    }
  }, intervalMs);
  timer.unref();
  return timer;
}

/** Cancels one HTTP/2 stream (RST_STREAM CANCEL) whose client stopped reading. */
export function cancelStream(req: http2.Http2ServerRequest, reason: string): void {
  if (!req.stream.destroyed) req.stream.close(http2.constants.NGHTTP2_CANCEL);
  // Connect's writer waits for 'drain' or 'error' on the response; a cancelled stream emits neither,
  // which would pin the handler forever. Fail that write (only when someone is listening); Aborted
  // keeps connect-node's adapter from logging it as a handler failure.
  const res = responses.get(req);
  if (res && res.listenerCount("error") > 0) res.emit("error", new ConnectError(reason, Code.Aborted));
}
