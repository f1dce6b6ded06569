// What the router needs of an upstream response, whichever protocol carried it: status and headers, then a
// body pushed to a sink with backpressure (a sink that returns false is paused until it drains).

import type { IncomingHttpHeaders } from "node:http";

export interface BodySink {
  /** Returns false when the consumer is full; the producer then waits for onDrain. */
  onData(chunk: Buffer): boolean;
  onDrain(resume: () => void): void;
  onEnd(trailers: IncomingHttpHeaders | undefined): void;
  onError(err: Error): void;
}

export interface UpstreamResponse {
  status: number;
  /** Response headers without HTTP/2 pseudo-headers. */
  headers: IncomingHttpHeaders;
  /** Starts delivering the body to `sink`. */
  stream(sink: BodySink): void;
  /** Reads and drops the body (before a retry), so the connection can be reused. */
  discard(): void;
  destroy(): void;
}
