// Benchmark reference: the smallest useful Node reverse proxy (node:http in front of an undici Pool, no
// routing, no stats, no filters), in its own process, forwarding to UPSTREAM_PORT; prints its port. It is
// the ceiling a Node proxy can reach on this machine, which the engine's figures are read against.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";

const pool = new Pool(`http://127.0.0.1:${process.env.UPSTREAM_PORT}`, { connections: 256 });
/** Hop-by-hop headers neither side may forward (undici refuses some of them outright). */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"]);

function endToEnd(h: http.IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) if (!HOP.has(k) && h[k] !== undefined) out[k] = h[k]!;
  return out;
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const body = req.method === "GET" || req.method === "HEAD" ? null : req;
  pool.request({ path: req.url ?? "/", method: req.method as "GET", headers: endToEnd(req.headers), body }).then(
    (up) => {
      res.writeHead(up.statusCode, endToEnd(up.headers));
      up.body.pipe(res);
    },
    () => {
      res.writeHead(502);
      res.end();
    },
  );
});
server.listen(0, "127.0.0.1", () => console.log(`port ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => process.exit(0));
