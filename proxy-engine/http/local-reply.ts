// Local replies: responses the proxy makes itself (404 no route, 503 no upstream, 504 timeout, direct
// responses and redirects), with a plain-text body that says exactly what went wrong.

import type { OutgoingHttpHeaders } from "node:http";
import type { ActiveStream } from "./active-stream";
import { recordResponseStatus } from "./hcm-stats";
import { resetResponse, responseDestroyed } from "./downstream";
import { runResponseHeaders } from "./filters/stream-filter";

export function sendLocalReply(s: ActiveStream, status: number, body: string | Buffer | undefined, headers?: OutgoingHttpHeaders): void {
  const { req, res } = s;
  if (res.headersSent || responseDestroyed(res)) {
    resetResponse(res);
    return;
  }
  recordResponseStatus(s.stats, status);
  // Drain whatever body the client still sends, so the connection stays usable.
  req.resume();
  const payload = body === undefined ? undefined : typeof body === "string" ? Buffer.from(`${body}\n`) : body;
  const out: OutgoingHttpHeaders = { ...(payload ? { "content-type": "text/plain; charset=utf-8" } : {}), ...headers, "content-length": payload?.length ?? 0 };
  runResponseHeaders(s, status, out);
  s.status = status;
  s.responseHeaders = out;
  res.writeHead(status, out);
  const send = req.method === "HEAD" ? undefined : payload;
  if (send) res.end(send);
  else res.end();
  s.responseBytes += send?.length ?? 0;
}
