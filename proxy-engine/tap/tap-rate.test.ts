// Tap limits across proxies on loopback: one max_rps bucket shared by every proxy a tap is on, the
// rate-limited count, and outcome filters that emit a stream's three events at its end or none.

import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { OutcomeSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { Proxy } from "../proxy";
import { cleanupAfterEach } from "../test-util/cleanup";
import { startUpstream } from "../test-util/upstream";
import { compileOutcome } from "./outcome";
import { byCase, collectTap, responseEndOf, send, startTapProxy } from "./tap-fixture";

const cleanup = cleanupAfterEach();

async function twoProxies(): Promise<{ proxies: Proxy[]; urls: string[] }> {
  const up = await startUpstream("a", (req, res) => {
    res.writeHead(req.url?.startsWith("/fail") ? 503 : 200);
    res.end("x");
  });
  cleanup(up.close);
  const ps = await Promise.all(
    ["p1", "p2"].map((id) => startTapProxy({ id, listeners: [{ routes: [{ name: "all", match: { prefix: "/" }, route: { cluster: "a" } }] }], clusters: { a: [up.port] } })),
  );
  for (const p of ps) cleanup(() => p.proxy.stop(100));
  return { proxies: ps.map((p) => p.proxy), urls: ps.map((p) => p.url()) };
}

describe("tap rate limit", () => {
  it("shares one max_rps bucket across every proxy the tap is on, counting what it turns away", async () => {
    const { proxies, urls } = await twoProxies();
    let now = 0;
    const t = collectTap(proxies, { limit: 100, maxRps: 3, now: () => now });
    // Six requests in the same instant, alternating proxies: three fit the bucket, whichever proxy they hit.
    for (let i = 0; i < 6; i++) await send(`${urls[i % 2]}/r${i}`);
    await t.count(9);
    const tapped = byCase(t.events, "requestInit").map((e) => `${e.routeContext!.proxy} ${e.event.case === "requestInit" ? e.event.value.path : ""}`);
    expect(tapped).toEqual(["p1 /r0", "p2 /r1", "p1 /r2"]);
    expect(t.tap.rateLimited).toBe(3);
    // A third of a second later, one more token for whichever proxy asks first.
    now += 334;
    await send(`${urls[1]}/late`);
    await send(`${urls[0]}/later`);
    await t.count(12);
    expect(byCase(t.events, "requestInit").map((e) => e.routeContext!.proxy)).toEqual(["p1", "p2", "p1", "p2"]);
    expect(t.tap.rateLimited).toBe(4);
    expect(t.tap.tapped).toBe(4);
  });

  it("ends at the limit, counted across proxies", async () => {
    const { proxies, urls } = await twoProxies();
    const t = collectTap(proxies, { limit: 2 });
    await send(`${urls[0]}/a`);
    await send(`${urls[1]}/b`);
    await t.completed;
    await send(`${urls[0]}/c`);
    expect(byCase(t.events, "requestInit")).toHaveLength(2);
  });
});

describe("tap outcome filters", () => {
  it("emits all three events of a stream that passes, at its end, and none of one that does not", async () => {
    const { proxies, urls } = await twoProxies();
    const t = collectTap(proxies, { limit: 2, outcome: compileOutcome(create(OutcomeSchema, { statusClasses: [5] })) });
    await send(`${urls[0]}/ok`);
    await send(`${urls[0]}/fail/1`);
    await send(`${urls[1]}/ok`);
    await send(`${urls[1]}/fail/2`);
    await t.completed;
    expect(t.events.map((e) => `${e.event.case} ${e.routeContext!.proxy}`)).toEqual([
      "requestInit p1",
      "responseInit p1",
      "responseEnd p1",
      "requestInit p2",
      "responseInit p2",
      "responseEnd p2",
    ]);
    const paths = byCase(t.events, "requestInit").map((e) => (e.event.case === "requestInit" ? e.event.value.path : ""));
    expect(paths).toEqual(["/fail/1", "/fail/2"]);
    expect(t.tap.tapped).toBe(2);
  });

  it("filters on latency and errors only", async () => {
    const { proxies, urls } = await twoProxies();
    const slow = collectTap(proxies, { limit: 10, outcome: compileOutcome(create(OutcomeSchema, { minLatency: { seconds: 3600n, nanos: 0 } })) });
    const errors = collectTap(proxies, { limit: 10, outcome: compileOutcome(create(OutcomeSchema, { errorsOnly: true })) });
    const fast = collectTap(proxies, { limit: 10, outcome: compileOutcome(create(OutcomeSchema, { minLatency: { seconds: 0n, nanos: 1 } })) });
    await send(`${urls[0]}/ok`);
    await send(`${urls[0]}/fail`);
    await fast.count(6);
    expect(slow.events).toHaveLength(0);
    expect(byCase(errors.events, "responseInit").map((e) => (e.event.case === "responseInit" ? e.event.value.httpStatus : 0))).toEqual([503]);
    expect(responseEndOf(byCase(fast.events, "responseEnd")[0]).sinceRequestInit).toBeDefined();
  });

  it("applies max_rps to the streams that pass, not to every candidate", async () => {
    const { proxies, urls } = await twoProxies();
    let now = 0;
    const t = collectTap(proxies, { limit: 10, maxRps: 1, now: () => now, outcome: compileOutcome(create(OutcomeSchema, { statusClasses: [5] })) });
    await send(`${urls[0]}/ok`);
    await send(`${urls[0]}/fail/1`);
    await send(`${urls[1]}/fail/2`);
    await t.count(3);
    expect(t.tap.rateLimited).toBe(1);
    expect(t.events).toHaveLength(3);
  });
});
