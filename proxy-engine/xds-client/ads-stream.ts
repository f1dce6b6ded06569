// One HTTP/2 connection to the control plane and the StreamAggregatedResources bidi streams opened on it,
// one at a time, spoken as plain gRPC on node:http2: a request is framed and written when sent, responses
// are parsed as they arrive and read as an AsyncIterable. Closing a stream cancels it (RST_STREAM);
// closing the connection tears down the HTTP/2 session. (A generic RPC client copied each message through
// several layers, which a hundred engines in one process receiving a mesh-wide RDS paid for many times.)

import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import http2 from "node:http2";
import net from "node:net";
import { DiscoveryRequestSchema, DiscoveryResponseSchema, type DiscoveryRequest, type DiscoveryResponse } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { codeFromHttpStatus, createFrameReader, decodeGrpcMessage, framePrefix, type Frame } from "./grpc-frames";
import { parseChunkedResponse } from "./response-intern";
import { createResponseQueue } from "./response-queue";
import { withEncodedNames } from "./request-names";

export interface AdsStream {
  /** Sends a request; a no-op once the stream has ended. */
  send(req: DiscoveryRequest): void;
  readonly alive: boolean;
  /** Ends normally when the server closes the stream; throws a ConnectError when it fails. */
  readonly responses: AsyncIterable<DiscoveryResponse>;
  close(): void;
}

export interface AdsConnection {
  readonly baseUrl: string;
  /** `onOpen` runs when the server's response headers arrive (the stream is established). */
  open(onOpen: () => void): AdsStream;
  close(): void;
}

/**
 * TCP keepalive finds a control plane that vanished without closing the socket (HTTP/2 PING keepalive
 * is not used: a busy event loop would trip its timeout).
 */
const KEEPALIVE_DELAY_MS = 15_000;
/**
 * HTTP/2 receive windows (stream and connection). Node's 64 KiB default makes a large response (a
 * mesh-wide RDS or EDS) wait for several WINDOW_UPDATE round trips through a busy event loop; Envoy
 * uses 256 MiB, grpc-go grows its window with the bandwidth-delay product.
 */
export const RECEIVE_WINDOW_BYTES = 16 << 20;
const ADS_PATH = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";
const MAX_RESPONSE_BYTES = 2 ** 32 - 1;
const USER_AGENT = "meshdash-xds-client";

/** The request as toBinary would write it (known fields, then unknown ones such as pre-encoded names), in parts. */
function requestParts(req: DiscoveryRequest): Uint8Array[] {
  const unknown = req.$unknown;
  if (!unknown?.length) return [toBinary(DiscoveryRequestSchema, req)];
  const parts: Uint8Array[] = [toBinary(DiscoveryRequestSchema, { ...req, $unknown: undefined })];
  for (const u of unknown) parts.push(new BinaryWriter().tag(u.no, u.wireType).finish(), u.data);
  return parts;
}

/** A large response split across chunks is parsed without joining them when its layout allows. */
function parseFrame(f: Frame): DiscoveryResponse {
  if ("bytes" in f) return fromBinary(DiscoveryResponseSchema, f.bytes);
  if (f.chunks.length === 0) return fromBinary(DiscoveryResponseSchema, new Uint8Array(0));
  const parsed = parseChunkedResponse(f.chunks, f.begin, f.end);
  if (parsed) return parsed;
  const joined = Buffer.concat(f.chunks);
  return fromBinary(DiscoveryResponseSchema, new Uint8Array(joined.buffer, joined.byteOffset + f.begin, f.end - f.begin));
}

function rstError(stream: http2.ClientHttp2Stream): ConnectError {
  const code = stream.rstCode ?? 0;
  return new ConnectError(`http/2 stream closed with error code ${code}`, code === http2.constants.NGHTTP2_CANCEL ? Code.Canceled : Code.Unavailable);
}

export function createAdsConnection(target: { host: string; port: number; token?: string }): AdsConnection {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const baseUrl = `http://${host}:${target.port}`;
  let session: http2.ClientHttp2Session | undefined;
  const goingAway = new WeakSet<http2.ClientHttp2Session>();

  /** The open session, or a new one (after the previous one failed, closed or got a GOAWAY). */
  function sessionFor(): http2.ClientHttp2Session {
    if (session && !session.closed && !session.destroyed && !goingAway.has(session)) return session;
    const s = http2.connect(baseUrl, {
      settings: { initialWindowSize: RECEIVE_WINDOW_BYTES },
      createConnection: () => net.connect({ host: target.host, port: target.port, noDelay: true, keepAlive: true, keepAliveInitialDelay: KEEPALIVE_DELAY_MS }),
    });
    s.on("error", () => {}); // reported through the session's streams
    s.once("connect", () => {
      if (!s.destroyed) s.setLocalWindowSize(RECEIVE_WINDOW_BYTES);
    });
    s.once("goaway", () => goingAway.add(s));
    s.once("close", () => {
      if (session === s) session = undefined;
    });
    return (session = s);
  }

  return {
    baseUrl,
    open(onOpen) {
      const q = createResponseQueue<DiscoveryResponse>();
      const reader = createFrameReader(MAX_RESPONSE_BYTES);
      let alive = true;
      let status: { code: number; message: string } | undefined;
      let stream: http2.ClientHttp2Stream;
      try {
        stream = sessionFor().request({ ":method": "POST", ":path": ADS_PATH, "content-type": "application/grpc+proto", te: "trailers", "grpc-accept-encoding": "identity", "user-agent": USER_AGENT, ...(target.token === undefined ? {} : { authorization: `Bearer ${target.token}` }) });
      } catch (e) {
        q.fail(ConnectError.from(e, Code.Unavailable));
        return { send() {}, alive: false, responses: q, close() {} };
      }
      const fail = (e: unknown) => {
        alive = false;
        q.fail(e);
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
      };
      const statusFrom = (h: http2.IncomingHttpHeaders) => {
        if (h["grpc-status"] !== undefined) status = { code: Number(h["grpc-status"]), message: decodeGrpcMessage(h["grpc-message"]) };
      };
      /** The call is over (the server ended it, or the stream closed): end or fail the responses. */
      const finish = () => {
        alive = false;
        if (status && status.code !== 0) q.fail(new ConnectError(status.message, status.code as Code));
        else if (status && reader.pending) q.fail(new ConnectError("protocol error: incomplete envelope", Code.Internal));
        else if (status) q.end();
        else q.fail(rstError(stream));
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
      };
      stream.on("response", (headers) => {
        const http = Number(headers[":status"]);
        if (http !== 200) status = { code: codeFromHttpStatus(http), message: `HTTP ${http}` };
        else statusFrom(headers); // a trailers-only response carries its status here
        if (alive) onOpen();
      });
      stream.on("trailers", statusFrom);
      stream.on("data", (chunk: Buffer) => {
        try {
          for (const f of reader.push(chunk)) q.push(parseFrame(f));
        } catch (e) {
          fail(e instanceof ConnectError ? e : new ConnectError(`parse binary: ${e instanceof Error ? e.message : String(e)}`, Code.Internal));
        }
      });
      stream.on("end", finish);
      stream.on("error", (e) => fail(ConnectError.from(e, Code.Unavailable)));
      stream.on("close", finish);
      return {
        send(req) {
          if (!alive || stream.closed || stream.writableEnded) return;
          const parts = requestParts(withEncodedNames(req));
          stream.cork();
          stream.write(framePrefix(parts.reduce((n, p) => n + p.byteLength, 0)));
          for (const p of parts) stream.write(p);
          stream.uncork();
        },
        get alive() {
          return alive;
        },
        responses: q,
        close() {
          if (!alive) return;
          fail(new ConnectError("stream closed by the client", Code.Canceled));
        },
      };
    },
    close() {
      const s = session;
      session = undefined;
      if (s && !s.destroyed) s.destroy();
    },
  };
}
