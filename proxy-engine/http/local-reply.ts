// Local replies: responses the proxy makes itself (404 no route, 503 no upstream, 504 timeout),
// with a plain-text body that says exactly what went wrong.

import type { ActiveStream } from "./active-stream";
import { recordResponseStatus } from "./hcm-stats";

export function sendLocalReply(s: ActiveStream, status: number, body: string): void {
  const { req, res } = s;
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  recordResponseStatus(s.stats, status);
  if (s.tap) {
    if (!s.requestInitSent) {
      s.requestInitSent = true;
      s.tap.requestInit(undefined);
    }
    s.tap.responseInit(status, {});
  }
  // Drain whatever body the client still sends, so the connection stays usable.
  req.resume();
  const payload = Buffer.from(`${body}\n`);
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": payload.length,
  });
  res.end(req.method === "HEAD" ? undefined : payload);
  s.responseBytes += req.method === "HEAD" ? 0 : payload.length;
}
