// Replays the hostile HTTP/1.1 corpus (and HTTP/2 floods, bad frames and rapid reset) against a real proxy:
// every input gets a 4xx or a closed session, nothing reaches the upstream, and other connections keep working.

import http2 from "node:http2";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxy, type Proxy } from "../proxy";
import { HOSTILE_HTTP1 } from "../test-util/hostile-http1-corpus";
import { singleListenerBootstrap, staticClusterJson, startUpstream, type TestUpstream } from "../test-util/upstream";

let proxy: Proxy;
let up: TestUpstream;
let port: number;

/** Requests the upstream received whole (a request aborted mid-body is not one). */
const completed: string[] = [];
const seenPaths: string[] = [];

beforeAll(async () => {
  up = await startUpstream("a", (req, res) => {
    seenPaths.push(req.url ?? "");
    req.resume();
    req.on("end", () => {
      completed.push(`${req.method} ${req.url}`);
      res.end("ok");
    });
  });
  const routes = [{ match: { prefix: "/" }, route: { cluster: "a" } }];
  const hcm = { request_headers_timeout: "0.5s", common_http_protocol_options: { idle_timeout: "1s" } };
  proxy = createProxy({ id: "t", role: "gateway", bootstrap: singleListenerBootstrap({ routes, hcm }, [staticClusterJson("a", [up.port])]) });
  await proxy.start();
  port = Number(proxy.listeners()[0]!.address.split(":")[1]);
});

afterAll(async () => {
  await proxy.stop(100);
  await up.close();
});

function send(raw: string, slow: boolean): Promise<{ out: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let out = "";
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ out, closed: false });
    }, 5000);
    s.on("connect", async () => {
      if (!slow) return void s.write(raw, "latin1");
      for (let i = 0; i < raw.length; i += 3) {
        if (s.destroyed) return;
        s.write(raw.slice(i, i + 3), "latin1");
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    s.on("data", (d) => (out += d.toString("latin1")));
    s.on("error", () => {});
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ out, closed: true });
    });
  });
}

async function healthy(): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${port}/ok`);
  expect(r.status).toBe(200);
  await r.text();
  // The health check itself completes upstream; keep it out of the per-input accounting.
  completed.pop();
}

describe("hostile HTTP/1.1 input", () => {
  it(`has at least 60 inputs`, () => {
    expect(HOSTILE_HTTP1.length).toBeGreaterThanOrEqual(60);
  });

  for (const input of HOSTILE_HTTP1) {
    it(`refuses: ${input.name}`, async () => {
      const before = completed.length;
      const raw = typeof input.raw === "function" ? input.raw() : input.raw;
      const { out, closed } = await send(raw, input.slow ?? false);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1]);
      expect(input.expect, `got ${JSON.stringify(out.slice(0, 80))}`).toContain(status);
      expect(closed).toBe(true);
      // A request whose body turns out malformed may have started upstream (bodies stream), but it is
      // aborted there: nothing completes, and no smuggled request appears.
      await new Promise((r) => setTimeout(r, 20));
      expect(completed.slice(before)).toEqual([]);
      expect(seenPaths.filter((p) => p.includes("smuggled"))).toEqual([]);
      await healthy();
    });
  }
});

describe("hostile HTTP/2 input", () => {
  const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
    const h = Buffer.alloc(9);
    h.writeUIntBE(payload.length, 0, 3);
    h[3] = type;
    h[4] = flags;
    h.writeUInt32BE(stream, 5);
    return Buffer.concat([h, payload]);
  };

  it("closes a session that sends malformed frames", async () => {
    // A SETTINGS frame with a length that is not a multiple of 6 is a FRAME_SIZE_ERROR.
    const bad = Buffer.concat([preface, frame(4, 0, 0, Buffer.alloc(0)), frame(4, 0, 0, Buffer.from([1, 2, 3, 4, 5]))]);
    const closed = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.write(bad));
      s.resume(); // read, or the close is never seen
      s.on("error", () => {});
      s.on("close", () => resolve(true));
      setTimeout(() => resolve(false), 3000);
    });
    expect(closed).toBe(true);
    await healthy();
  });

  it("survives rapid reset: streams opened and cancelled in a burst", async () => {
    const before = up.requests.length;
    const c = http2.connect(`http://127.0.0.1:${port}`);
    c.on("error", () => {});
    await new Promise((r) => c.once("connect", r));
    for (let i = 0; i < 500 && !c.destroyed; i++) {
      try {
        const r = c.request({ ":path": `/reset/${i}` });
        r.on("error", () => {});
        r.close(http2.constants.NGHTTP2_CANCEL);
      } catch {
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
    c.destroy();
    // Some streams may have been forwarded before their reset arrived; the proxy must not melt down.
    expect(up.requests.length - before).toBeLessThan(500);
    await healthy();
  });

  it("rejects a header flood", async () => {
    const c = http2.connect(`http://127.0.0.1:${port}`);
    c.on("error", () => {});
    const headers: Record<string, string> = { ":path": "/flood" };
    for (let i = 0; i < 2000; i++) headers[`x-flood-${i}`] = "v".repeat(40);
    const outcome = await new Promise<string>((resolve) => {
      try {
        const r = c.request(headers);
        r.on("response", (h) => resolve(String(h[":status"])));
        r.on("error", (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
        r.on("close", () => resolve(`closed ${r.rstCode}`));
        r.end();
      } catch (e) {
        resolve(`threw ${(e as NodeJS.ErrnoException).code}`);
      }
    });
    c.destroy();
    expect(outcome).not.toBe("200");
    await healthy();
  });
});
