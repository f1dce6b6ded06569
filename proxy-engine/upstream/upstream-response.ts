// What the router needs of an upstream response, whichever protocol carried it.

import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";

export interface UpstreamResponse {
  status: number;
  /** Response headers without HTTP/2 pseudo-headers. */
  headers: IncomingHttpHeaders;
  body: Readable;
  /** Trailers, once the body has ended (HTTP/1.1 chunked trailers or HTTP/2 trailers). */
  trailers(): IncomingHttpHeaders | undefined;
  /** The body arrived whole. */
  complete(): boolean;
  destroy(): void;
}

export function fromIncomingMessage(m: IncomingMessage): UpstreamResponse {
  return {
    status: m.statusCode ?? 502,
    headers: m.headers,
    body: m,
    trailers: () => (Object.keys(m.trailers).length ? m.trailers : undefined),
    complete: () => m.complete,
    destroy: () => m.destroy(),
  };
}
