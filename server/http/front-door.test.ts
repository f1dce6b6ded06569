// The one-port front door over real sockets: HTTP/1.1 and h2c on the same port, including first reads
// that arrive one byte at a time, and a graceful stop.

import http2 from "node:http2";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createFrontDoor, type FrontDoor } from "./front-door";

let door: FrontDoor | undefined;
afterEach(async () => {
  await door?.stop(100);
  door = undefined;
});

async function start(): Promise<number> {
  door = createFrontDoor((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`v${req.httpVersion} ${req.url}`);
  });
  return (await door.listen(0, "127.0.0.1")).port;
}

function rawH1(port: number, pieces: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", async () => {
      for (const p of pieces) {
        s.write(p);
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    let out = "";
    s.on("data", (d) => {
      out += d.toString();
      if (out.includes("v1.1")) s.end();
    });
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}

describe("front door", () => {
  it("serves HTTP/1.1 even when the first bytes arrive one at a time (and look like the h2 preface)", async () => {
    const port = await start();
    const out = await rawH1(port, ["P", "O", "ST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"]);
    expect(out).toMatch(/^HTTP\/1.1 200/);
    expect(out).toContain("v1.1 /x");
  });

  it("serves h2c with prior knowledge, several streams on one session", async () => {
    const port = await start();
    const client = http2.connect(`http://127.0.0.1:${port}`);
    try {
      for (const path of ["/a", "/b", "/c"]) {
        const body = await new Promise<string>((resolve, reject) => {
          const r = client.request({ ":path": path });
          let b = "";
          r.on("data", (d: Buffer) => (b += d.toString()));
          r.on("end", () => resolve(b));
          r.on("error", reject);
          r.end();
        });
        expect(body).toBe(`v2.0 ${path}`);
      }
    } finally {
      client.close();
    }
  });

  it("stops within the grace period while a keep-alive client stays connected", async () => {
    const port = await start();
    const idle = net.connect(port, "127.0.0.1");
    await new Promise((r) => idle.once("connect", r));
    idle.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await new Promise((r) => idle.once("data", r));
    const t0 = Date.now();
    await door!.stop(2000);
    door = undefined;
    expect(Date.now() - t0).toBeLessThan(1000);
    idle.destroy();
  });
});
