// Benchmark upstream: COUNT (default 1) minimal keep-alive HTTP servers in one process, answering
// BODY_BYTES bytes; prints "port N" for each.
import http from "node:http";
import type { AddressInfo } from "node:net";

const body = Buffer.alloc(Number(process.env.BODY_BYTES ?? 64), "x");
const count = Number(process.env.COUNT ?? 1);
const ports: number[] = [];
for (let i = 0; i < count; i++) {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  ports.push((server.address() as AddressInfo).port);
}
console.log(ports.map((p) => `port ${p}`).join("\n"));
process.on("SIGTERM", () => process.exit(0));
