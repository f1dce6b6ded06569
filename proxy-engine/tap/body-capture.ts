// Captures the first bytes of a request or response body for tap, as a copy: what flows to the upstream or
// downstream is never touched, and nothing beyond the limit is kept (later chunks are only counted).

import { redactBody } from "./redact";
import type { BodyFields } from "./tap-wire";

/** The most a tap may capture of each body (ObserveRequest.body_bytes). */
export const MAX_BODY_BYTES = 65_536;

/** A class rather than closures: one is made per tapped body, on the request path. */
export class BodyCapture {
  private readonly parts: Buffer[] = [];
  private captured = 0;
  /** Bytes seen so far, captured or not. */
  total = 0;

  /** `limit` 0 only counts bytes. */
  constructor(private readonly limit: number) {}

  add(chunk: Buffer | string): void {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.total += buf.length;
    const room = this.limit - this.captured;
    if (room <= 0 || buf.length === 0) return;
    // Buffer.from(buffer) copies: the caller's chunk may be reused or handed on.
    const part = Buffer.from(buf.length <= room ? buf : buf.subarray(0, room));
    this.parts.push(part);
    this.captured += part.length;
  }

  /**
   * The captured bytes, redacted; undefined when capture is off. A body with a Content-Encoding (gzip, br,
   * ...) is withheld: its secrets cannot be found in compressed bytes, and a prefix of them inflates. It is
   * sent with no data and `redacted` set, its sizes kept.
   */
  body(contentType: string, contentEncoding = ""): BodyFields | undefined {
    if (this.limit === 0) return undefined;
    const truncated = this.total > this.captured;
    if (this.captured > 0 && isEncoded(contentEncoding)) return { data: EMPTY, truncated, totalBytes: this.total, redacted: true, contentType };
    const { data, redacted } = redactBody(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.captured));
    return { data, truncated, totalBytes: this.total, redacted, contentType };
  }
}

const EMPTY = new Uint8Array(0);

/** A Content-Encoding other than identity (any list of codings, e.g. "gzip" or "deflate, br"). */
function isEncoded(contentEncoding: string): boolean {
  const v = contentEncoding.trim().toLowerCase();
  return v !== "" && v !== "identity";
}

export function createBodyCapture(limit: number): BodyCapture {
  return new BodyCapture(limit);
}
