// HTTP/1.1 behaviours through a real proxy: pipelining, 100-continue, chunked bodies and Upgrade
// (WebSocket-style) passthrough, plus refusal of upgrades that are not enabled.

import http from "node:http";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { createProxy, type Proxy } from "../proxy";
import { cleanupAfterEach } from "../test-util/cleanup";
import { singleListenerBootstrap, staticClusterJson, startUpstream, type TestUpstream } from "../test-util/upstream";

const cleanup = cleanupAfterEach();

async function setup(up: TestUpstream, upgradeConfigs: object[] = []): Promise<{ proxy: Proxy; port: number }> {
  const routes = [{ match: { prefix: "/" }, route: { cluster: "a" } }];
  const proxy = createProxy({ id: "t", role: "gateway", bootstrap: singleListenerBootstrap({ routes, hcm: { upgrade_configs: upgradeConfigs } }, [staticClusterJson("a", [up.port])]) });
  await proxy.start();
  cleanup(() => proxy.stop(100));
  return { proxy, port: Number(proxy.listeners()[0]!.address.split(":")[1]) };
}

/** Writes raw bytes, collects everything until the server closes or `until` matches. */
function raw(port: number, write: (s: net.Socket) => void, until: (out: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => write(s));
    let out = "";
    s.on("data", (d) => {
      out += d.toString();
      if (until(out)) {
        s.destroy();
        resolve(out);
      }
    });
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}

describe("HTTP/1.1 codec", () => {
  it("answers pipelined requests in order", async () => {
    const up = await startUpstream("a");
    cleanup(up.close);
    const { port } = await setup(up);
    const out = await raw(
      port,
      (s) => s.write("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      () => false,
    );
    const bodies = [...out.matchAll(/a GET (\/\d)/g)].map((m) => m[1]);
    expect(bodies).toEqual(["/1", "/2", "/3"]);
  });

  it("handles Expect: 100-continue and streams a chunked body", async () => {
    const up = await startUpstream("a", (req, res) => {
      let n = 0;
      req.on("data", (c: Buffer) => (n += c.length));
      req.on("end", () => res.end(`got ${n} expect=${req.headers.expect ?? "none"}`));
    });
    cleanup(up.close);
    const { port } = await setup(up);
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/up", method: "POST", headers: { expect: "100-continue", "transfer-encoding": "chunked" } }, (res) => {
        let b = "";
        res.on("data", (c) => (b += c));
        res.on("end", () => resolve(b));
      });
      req.on("continue", () => {
        req.write("x".repeat(1000));
        req.end("y".repeat(24));
      });
      req.on("error", reject);
    });
    expect(body).toBe("got 1024 expect=none");
  });

  it("passes an enabled upgrade through both ways", async () => {
    const up = await startUpstream("a");
    cleanup(up.close);
    // The test upstream's server also speaks a tiny upgrade protocol: 101, then echo in upper case.
    const upgradeServer = net.createServer((s) => {
      s.once("data", (d) => {
        const reqText = d.toString();
        s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Seen-Path: ${/^GET (\S+)/.exec(reqText)?.[1]}\r\n\r\n`);
        s.on("data", (x) => s.write(x.toString().toUpperCase()));
      });
    });
    await new Promise<void>((r) => upgradeServer.listen(0, "127.0.0.1", r));
    cleanup(() => new Promise((r) => upgradeServer.close(() => r())));
    const fake = { ...up, port: (upgradeServer.address() as net.AddressInfo).port };
    const { port } = await setup(fake, [{ upgrade_type: "websocket" }]);
    const out = await raw(
      port,
      (s) => {
        s.write("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        s.once("data", () => s.write("hello"));
      },
      (o) => o.includes("HELLO"),
    );
    expect(out).toMatch(/^HTTP\/1.1 101 Switching Protocols/);
    expect(out).toContain("X-Seen-Path: /ws");
    expect(out).toContain("HELLO");
  });

  it("refuses upgrades that upgrade_configs does not enable", async () => {
    const up = await startUpstream("a");
    cleanup(up.close);
    const { port } = await setup(up);
    const out = await raw(port, (s) => s.write("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"), () => false);
    expect(out).toMatch(/^HTTP\/1.1 403 Forbidden/);
    expect(out).toContain('upgrade "websocket" is not enabled');
    expect(up.requests).toHaveLength(0);
  });
});
