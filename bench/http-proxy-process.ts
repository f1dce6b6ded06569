// Benchmark baseline: node's http-proxy (the common Node reverse proxy) with a keep-alive agent, in its own
// process, forwarding everything to UPSTREAM_PORT; prints its port.
import http from "node:http";
import type { AddressInfo } from "node:net";
import httpProxy from "http-proxy";

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${process.env.UPSTREAM_PORT}`, agent, xfwd: true });
proxy.on("error", (_e, _req, res) => {
  if ("writeHead" in res && !res.headersSent) res.writeHead(502);
  res.end();
});
const server = http.createServer((req, res) => proxy.web(req, res));
server.listen(0, "127.0.0.1", () => console.log(`port ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => process.exit(0));
