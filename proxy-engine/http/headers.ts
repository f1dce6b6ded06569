// Header rules for proxying HTTP/1.1: strip hop-by-hop headers (RFC 9110 §7.6.1), set X-Forwarded-For,
// X-Forwarded-Proto and X-Request-Id as Envoy does.

import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authenticate",
  // The proxy answers Expect: 100-continue itself (node's server does), as Envoy does by default.
  "expect",
]);

function copyEndToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connection = headers.connection;
  // Headers named in Connection are hop-by-hop too.
  const named = connection ? connection.toLowerCase().split(",").map((s) => s.trim()) : undefined;
  for (const name in headers) {
    // HTTP/2 pseudo-headers (":authority", ...) never cross to the other side as headers.
    if (name.charCodeAt(0) === 58 || HOP_BY_HOP.has(name) || (named !== undefined && named.includes(name))) continue;
    out[name] = headers[name];
  }
  return out;
}

export function upstreamRequestHeaders(headers: IncomingHttpHeaders, remoteAddress: string | undefined, generateRequestId = true): OutgoingHttpHeaders {
  const out = copyEndToEnd(headers);
  // An HTTP/2 request carries its authority as :authority; HTTP/1.1 upstreams need Host.
  if (out.host === undefined && headers[":authority"] !== undefined) out.host = headers[":authority"] as string;
  const xff = headers["x-forwarded-for"];
  const peer = remoteAddress ?? "";
  out["x-forwarded-for"] = xff ? `${xff}, ${peer}` : peer;
  if (!headers["x-forwarded-proto"]) out["x-forwarded-proto"] = "http";
  if (generateRequestId && !headers["x-request-id"]) out["x-request-id"] = randomUUID();
  return out;
}

export function downstreamResponseHeaders(headers: IncomingHttpHeaders, upstreamServiceTimeMs: number): OutgoingHttpHeaders {
  const out = copyEndToEnd(headers);
  out["x-envoy-upstream-service-time"] = String(Math.round(upstreamServiceTimeMs));
  return out;
}
