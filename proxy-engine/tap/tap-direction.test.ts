// Tap direction and labels on a sidecar-shaped proxy on loopback: virtualInbound is INBOUND, virtualOutbound
// OUTBOUND (or Envoy's traffic_direction), and destination/route labels matched once the request is routed.

import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MatchSchema, ProxyDirection, type Match } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { cleanupAfterEach } from "../test-util/cleanup";
import { startUpstream } from "../test-util/upstream";
import { compileTapMatch } from "./match";
import { byCase, collectTap, send, startTapProxy } from "./tap-fixture";

const cleanup = cleanupAfterEach();
const SIDECAR = "sidecar~127.0.0.1~reviews-v2-0.default~default.svc.cluster.local";
const INBOUND = "inbound|9080||reviews.default.svc.cluster.local";
const RATINGS = "outbound|9080|v1|ratings.default.svc.cluster.local";

async function sidecar() {
  const app = await startUpstream("app");
  const ratings = await startUpstream("ratings");
  cleanup(app.close);
  cleanup(ratings.close);
  const p = await startTapProxy({
    id: SIDECAR,
    role: "sidecar",
    listeners: [
      { name: "virtualInbound", routes: [{ name: "default", match: { prefix: "/" }, route: { cluster: INBOUND } }] },
      {
        name: "virtualOutbound",
        routes: [
          { name: "ratings-route", match: { prefix: "/ratings" }, route: { cluster: RATINGS } },
          { name: "direct", match: { prefix: "/direct" }, direct_response: { status: 204 } },
        ],
      },
      { name: "egress", routes: [{ match: { prefix: "/" }, route: { cluster: RATINGS } }] },
    ],
    clusters: { [INBOUND]: [app.port], [RATINGS]: [ratings.port] },
  });
  cleanup(() => p.proxy.stop(100));
  return p;
}

const label = (kind: "destinationLabel" | "routeLabel", key: string, value: string): Match => create(MatchSchema, { match: { case: kind, value: { key, value } } });

describe("tap direction", () => {
  it("reports INBOUND on virtualInbound and OUTBOUND on virtualOutbound, with workload labels", async () => {
    const { proxy, url } = await sidecar();
    const t = collectTap([proxy], { limit: 2 });
    await send(`${url("virtualInbound")}/reviews/1`);
    await send(`${url("virtualOutbound")}/ratings/1`);
    await t.completed;
    const [inbound, outbound] = byCase(t.events, "requestInit");
    expect(inbound!.proxyDirection).toBe(ProxyDirection.INBOUND);
    expect(inbound!.routeContext?.listener).toBe("virtualInbound");
    expect(inbound!.destinationMeta).toEqual({ cluster: INBOUND, service: "reviews", namespace: "default", port: "9080", workload: "reviews-v2-0" });
    expect(inbound!.sourceMeta).toEqual({});
    expect(outbound!.proxyDirection).toBe(ProxyDirection.OUTBOUND);
    expect(outbound!.destinationMeta).toEqual({ cluster: RATINGS, service: "ratings", namespace: "default", port: "9080", subset: "v1" });
    expect(outbound!.sourceMeta).toEqual({ workload: "reviews-v2-0", namespace: "default", service: "reviews" });
    expect(outbound!.routeMeta).toEqual({ route: "ratings-route", virtual_host: "vh" });
  });

  it("taps only the direction asked for", async () => {
    const { proxy, url } = await sidecar();
    const t = collectTap([proxy], { limit: 1, direction: ProxyDirection.OUTBOUND });
    await send(`${url("virtualInbound")}/reviews/1`);
    await send(`${url("virtualOutbound")}/ratings/1`);
    await t.completed;
    expect(byCase(t.events, "requestInit").map((e) => e.routeContext?.listener)).toEqual(["virtualOutbound"]);
  });

  it("falls back to the proxy's role for other listener names (a sidecar's are outbound)", async () => {
    const { proxy, url } = await sidecar();
    const t = collectTap([proxy], { limit: 1 });
    await send(`${url("egress")}/x`);
    await t.completed;
    expect(t.events[0]!.proxyDirection).toBe(ProxyDirection.OUTBOUND);
  });
});

describe("tap labels", () => {
  it("matches destination labels once the request is routed", async () => {
    const { proxy, url } = await sidecar();
    const t = collectTap([proxy], { limit: 1, match: compileTapMatch(label("destinationLabel", "service", "ratings")) });
    await send(`${url("virtualInbound")}/reviews/1`);
    await send(`${url("virtualOutbound")}/direct`);
    await send(`${url("virtualOutbound")}/ratings/2`);
    await t.completed;
    expect(byCase(t.events, "requestInit").map((e) => (e.event.case === "requestInit" ? e.event.value.path : ""))).toEqual(["/ratings/2"]);
    expect(t.tap.tapped).toBe(1);
  });

  it("matches route labels, local replies included", async () => {
    const { proxy, url } = await sidecar();
    const t = collectTap([proxy], { limit: 1, match: compileTapMatch(label("routeLabel", "route", "direct")) });
    await send(`${url("virtualOutbound")}/ratings/2`);
    await send(`${url("virtualOutbound")}/direct`);
    await t.completed;
    const events = t.events.map((e) => e.event.case);
    expect(events).toEqual(["requestInit", "responseInit", "responseEnd"]);
    expect(t.events[1]!.event.case === "responseInit" && t.events[1]!.event.value.httpStatus).toBe(204);
    expect(t.events[0]!.destinationMeta).toEqual({});
  });
});
