// The two downstream request/response shapes (node's HTTP/1.1 and HTTP/2 compatibility API) and the few
// operations on them that differ: whether a response finished or was torn down, and how to reset it.

import type { IncomingMessage, ServerResponse } from "node:http";
import { constants, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { MatchInput } from "../router/request-matcher";

export type DownstreamRequest = IncomingMessage | Http2ServerRequest;
export type DownstreamResponse = ServerResponse | Http2ServerResponse;

export function isH2(res: DownstreamResponse): res is Http2ServerResponse {
  return "stream" in res;
}

/** The whole response was handed to the transport (not reset or abandoned). */
export function responseFinished(res: DownstreamResponse): boolean {
  return isH2(res) ? res.finished && !res.stream.rstCode : res.writableFinished;
}

export function responseDestroyed(res: DownstreamResponse): boolean {
  return isH2(res) ? res.stream.destroyed : res.destroyed;
}

/** Resets the downstream stream: RST_STREAM on HTTP/2, a closed connection on HTTP/1.1. */
export function resetResponse(res: DownstreamResponse): void {
  if (isH2(res)) {
    if (!res.stream.destroyed) res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  } else res.destroy();
}

export function authorityOf(req: DownstreamRequest): string {
  const h = req.headers;
  return (h[":authority"] as string | undefined) ?? h.host ?? "";
}

export function schemeOf(req: DownstreamRequest): string {
  return (req.headers[":scheme"] as string | undefined) ?? "http";
}

/** What route matching sees of a request (both protocols). */
export function matchInputOf(req: DownstreamRequest): MatchInput {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return {
    method: req.method ?? "GET",
    authority: authorityOf(req),
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? "" : url.slice(q + 1),
    scheme: schemeOf(req),
    headers: req.headers,
  };
}

/** Whether a body follows the request headers (HTTP/2: no END_STREAM on HEADERS; HTTP/1.1: framing headers). */
export function requestHasBody(req: DownstreamRequest): boolean {
  if ("stream" in req) return !req.stream.endAfterHeaders;
  const h = req.headers;
  return h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0");
}
