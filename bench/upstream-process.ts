// Benchmark upstream: a minimal keep-alive HTTP server in its own process, answering BODY_BYTES bytes;
// prints its port.
import http from "node:http";
import type { AddressInfo } from "node:net";

const body = Buffer.alloc(Number(process.env.BODY_BYTES ?? 64), "x");
const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => console.log(`port ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => process.exit(0));
