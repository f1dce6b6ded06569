// Backpressure end to end: a client that stops reading makes the upstream's writes block, so the proxy
// holds a bounded amount of a large response instead of buffering it whole; the same holds for uploads.

import http from "node:http";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach } from "../test-util/cleanup";
import { createProxy, type Proxy } from "../proxy";
import { bootstrapFor, startUpstream } from "../test-util/upstream";

const cleanup = cleanupAfterEach();

const TOTAL = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "z");
/** Socket buffers on both hops plus stream high-water marks stay well under this. */
const BOUND = 16 * 1024 * 1024;

async function proxyTo(handler: http.RequestListener): Promise<{ proxy: Proxy; port: number }> {
  const up = await startUpstream("big", handler);
  cleanup(up.close);
  const proxy = createProxy({ id: "t", role: "gateway", bootstrap: bootstrapFor([{ prefix: "/", cluster: "big" }], { big: [up.port] }) });
  await proxy.start();
  cleanup(() => proxy.stop(50));
  return { proxy, port: Number(proxy.listeners()[0]!.address.split(":")[1]) };
}

describe("backpressure", () => {
  it("a client that stops reading stalls the upstream instead of filling the proxy", async () => {
    let written = 0;
    let stalled: (n: number) => void;
    const stalledAt = new Promise<number>((r) => (stalled = r));
    const { port } = await proxyTo((_req, res) => {
      res.writeHead(200, { "content-length": TOTAL });
      const pump = () => {
        while (written < TOTAL) {
          written += CHUNK.length;
          if (!res.write(CHUNK)) {
            // Give the pipeline time to fill everything it is willing to hold, then report.
            const before = written;
            setTimeout(() => (written === before ? stalled(written) : undefined), 300);
            res.once("drain", pump);
            return;
          }
        }
        stalled(written); // everything went out: nothing pushed back, the bound check fails
        res.end();
      };
      pump();
    });
    const client = net.connect(port, "127.0.0.1", () => client.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
    client.pause(); // never read
    cleanup(async () => void client.destroy());
    const n = await stalledAt;
    expect(n).toBeLessThan(BOUND);
  });

  it("an upstream that stops reading stalls a large upload", async () => {
    let received = 0;
    const { port } = await proxyTo((req) => {
      // Read a little, then stop reading for good.
      req.once("data", (c: Buffer) => {
        received += c.length;
        req.pause();
      });
    });
    let sent = 0;
    const stalled = await new Promise<number>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/up", headers: { "content-length": TOTAL } });
      req.on("error", () => {});
      const pump = () => {
        while (sent < TOTAL) {
          sent += CHUNK.length;
          if (!req.write(CHUNK)) {
            const before = sent;
            setTimeout(() => (sent === before ? resolve(sent) : undefined), 300);
            req.once("drain", pump);
            return;
          }
        }
        resolve(sent); // everything was accepted: nothing pushed back, the bound check fails
      };
      pump();
      cleanup(async () => void req.destroy());
    });
    expect(received).toBeGreaterThan(0);
    expect(stalled).toBeLessThan(BOUND);
  });
});
