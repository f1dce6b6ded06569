// Report: finished requests go into a per-proxy buffer and reach the adapters in batches, off the request
// path (setImmediate, or at once when the buffer is full). An adapter that throws is counted and skipped;
// it never fails a request or stops the other adapters.

import type { Attributes } from "./attributes";

/** One finished request: its attribute bag (with response attributes) and what only the proxy knows. */
export interface ReportRecord {
  /** Node id of the reporting proxy. */
  readonly proxy: string;
  readonly attributes: Attributes;
  /** Epoch ms when the request arrived. */
  readonly startTime: number;
  /** "HTTP/1.1", "HTTP/2". */
  readonly protocol: string;
  readonly routeName: string;
  readonly upstreamCluster: string;
  /** "host:port" of the endpoint that answered; "" when none did. */
  readonly upstreamHost: string;
  readonly forwardedFor: string;
  /** grpc-status of a gRPC response ("" otherwise). */
  readonly grpcStatus: string;
  /** The check rule that denied the request ("" when none). */
  readonly deniedBy: string;
  /** The quota that throttled the request ("" when none). */
  readonly quota: string;
}

export interface ReportAdapter {
  readonly name: string;
  report(batch: readonly ReportRecord[]): void;
}

export interface ReportBuffer {
  push(r: ReportRecord): void;
  /** Delivers what is buffered now (also used by tests and at shutdown). */
  flush(): void;
  /** Batches an adapter threw on. */
  errors(): number;
}

export const REPORT_BATCH = 256;

export function createReportBuffer(adapters: readonly ReportAdapter[], onError?: (adapter: string, e: unknown) => void, batch = REPORT_BATCH): ReportBuffer {
  let buf: ReportRecord[] = [];
  let scheduled = false;
  let errors = 0;
  const flush = () => {
    scheduled = false;
    if (buf.length === 0) return;
    const out = buf;
    buf = [];
    for (const a of adapters) {
      try {
        a.report(out);
      } catch (e) {
        errors++;
        onError?.(a.name, e);
      }
    }
  };
  return {
    push(r) {
      buf.push(r);
      if (buf.length >= batch) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    errors: () => errors,
  };
}
