// Tap through a real proxy on loopback: events for matching requests only, the limit, redaction, and DC.

import http from "node:http";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach } from "../test-util/cleanup";
import type { TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { resourcesFromBootstrap } from "../config/resources";
import { createProxy, type Proxy } from "../proxy";
import { bootstrapFor, startUpstream } from "../test-util/upstream";
import { compileTapMatch } from "./match";
import { createTap } from "./tap";
import { decodeTapEvent } from "./tap-wire";
import { REDACTED } from "./redact";
import { create } from "@bufbuild/protobuf";
import { MatchSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";

const cleanup = cleanupAfterEach();

async function setup(handler?: http.RequestListener): Promise<{ proxy: Proxy; base: string }> {
  const up = await startUpstream("a", handler);
  cleanup(up.close);
  const proxy = createProxy({ id: "gw", role: "gateway", bootstrap: bootstrapFor([{ prefix: "/", cluster: "a" }], { a: [up.port] }) });
  await proxy.start();
  cleanup(() => proxy.stop(100));
  return { proxy, base: `http://${proxy.listeners()[0]!.address}` };
}

function request(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => res.resume().on("end", () => resolve(res.statusCode ?? 0))).on("error", reject);
  });
}

const pathPrefix = (prefix: string) =>
  create(MatchSchema, { match: { case: "http", value: { match: { case: "path", value: { match: { case: "prefix", value: prefix } } } } } });

describe("tap", () => {
  it("emits RequestInit, ResponseInit and ResponseEnd for matching requests, up to the limit", async () => {
    const { proxy, base } = await setup();
    const events: TapEvent[] = [];
    let completed = false;
    const tap = createTap({ limit: 2, match: compileTapMatch(pathPrefix("/tapped")), extractHeaders: true, emit: (e) => events.push(decodeTapEvent(e)), onComplete: () => (completed = true) });
    proxy.taps.register(tap);
    await request(`${base}/other`);
    await request(`${base}/tapped/1`, { authorization: "Bearer secret", "x-visible": "yes" });
    await request(`${base}/tapped/2`);
    await request(`${base}/tapped/3`);
    await new Promise((r) => setImmediate(r));
    expect(events.map((e) => e.event.case)).toEqual(["requestInit", "responseInit", "responseEnd", "requestInit", "responseInit", "responseEnd"]);
    expect(completed).toBe(true);
    const init = events[0]!;
    if (init.event.case !== "requestInit") throw new Error("unreachable");
    expect(init.event.value.path).toBe("/tapped/1");
    expect(init.event.value.method).toBe("GET");
    const hdrs = Object.fromEntries(init.event.value.headers!.headers.map((h) => [h.name, h.value]));
    expect(hdrs.authorization).toBe(REDACTED);
    expect(hdrs["x-visible"]).toBe("yes");
    expect(init.routeContext?.cluster).toBe("a");
    expect(init.routeContext?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(init.routeContext?.configVersion).toBe("static-1");
    const end = events[2]!;
    if (end.event.case !== "responseEnd") throw new Error("unreachable");
    expect(Number(end.event.value.responseBytes)).toBe("a GET /tapped/1".length);
    expect(end.event.value.responseFlags).toBe("");
  });

  it("reports NR for a request with no route", async () => {
    const { proxy, base } = await setup();
    await proxy.applyResources(resourcesFromBootstrap(bootstrapFor([{ prefix: "/only", cluster: "a" }], { a: [1] })), "v2");
    const events: TapEvent[] = [];
    proxy.taps.register(createTap({ limit: 1, match: compileTapMatch(undefined), extractHeaders: false, emit: (e) => events.push(decodeTapEvent(e)), onComplete: () => {} }));
    expect(await request(`${base}/nowhere`)).toBe(404);
    await new Promise((r) => setImmediate(r));
    const end = events.find((e) => e.event.case === "responseEnd");
    expect(end?.event.case === "responseEnd" && end.event.value.responseFlags).toBe("NR");
    const resp = events.find((e) => e.event.case === "responseInit");
    expect(resp?.event.case === "responseInit" && resp.event.value.httpStatus).toBe(404);
  });

  it("reports DC with a reset code when the client leaves mid-response", async () => {
    const { proxy, base } = await setup((_req, res) => {
      res.writeHead(200);
      res.write("partial");
    });
    const ended = new Promise<TapEvent>((resolve) => {
      proxy.taps.register(
        createTap({ limit: 1, match: compileTapMatch(undefined), extractHeaders: false, emit: (b) => { const e = decodeTapEvent(b); if (e.event.case === "responseEnd") resolve(e); }, onComplete: () => {} }),
      );
    });
    const req = http.get(`${base}/slow`, (res) => res.once("data", () => req.destroy()));
    req.on("error", () => {});
    const end = await ended;
    if (end.event.case !== "responseEnd") throw new Error("unreachable");
    expect(end.event.value.responseFlags).toBe("DC");
    expect(end.event.value.eos).toEqual({ case: "resetErrorCode", value: 8 });
  });

  it("stops emitting once unregistered", async () => {
    const { proxy, base } = await setup();
    const events: TapEvent[] = [];
    const unregister = proxy.taps.register(createTap({ limit: 100, match: compileTapMatch(undefined), extractHeaders: false, emit: (e) => events.push(decodeTapEvent(e)), onComplete: () => {} }));
    await request(`${base}/a`);
    unregister();
    expect(proxy.taps.active).toHaveLength(0);
    await request(`${base}/b`);
    expect(events).toHaveLength(3);
  });
});
