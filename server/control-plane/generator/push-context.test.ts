// PushContext tests: indexes (services, instances, mesh/gateway VirtualServices, DestinationRules) and the
// generator's per-PushContext cache shared across proxies.
import { describe, expect, it } from "vitest";
import type { VirtualService } from "../rules/istio-types";
import { bookinfoContext, bookinfoRules, HOSTS, sidecarNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";
import { meshVirtualServices } from "./push-context";

const vs = (name: string, hosts: string[], gateways?: string[]): VirtualService => ({ kind: "VirtualService", metadata: { name, namespace: "default" }, spec: { hosts, gateways, http: [] } });

describe("PushContext", () => {
  it("indexes services, instances and DestinationRules by resolved host", () => {
    const ctx = bookinfoContext();
    expect(ctx.index.servicesByHost.get(HOSTS.reviews)?.name).toBe("reviews");
    expect(ctx.index.instancesByHost.get(HOSTS.reviews)).toHaveLength(3);
    expect(ctx.index.drByHost.get(HOSTS.details)?.metadata.name).toBe("details");
    expect(ctx.index.services.map((s) => s.name)).toEqual(["details", "greeter", "productpage", "ratings", "reviews"]);
  });

  it("splits VirtualServices into mesh-bound and gateway-bound", () => {
    const ctx = bookinfoContext({ virtualServices: [vs("a", ["reviews"]), vs("b", ["ratings"], ["gw"]), vs("c", ["details", "shop.example.com"], ["mesh", "gw"]), vs("d", ["*.default.svc.cluster.local"], ["mesh"])] });
    expect([...ctx.index.meshVsByHost.keys()]).toEqual([HOSTS.reviews, HOSTS.details, "shop.example.com"]);
    expect([...ctx.index.gatewayVsByHost.keys()]).toEqual(["ratings", "details", "shop.example.com"]);
    expect(meshVirtualServices(ctx, HOSTS.reviews).map((v) => v.metadata.name)).toEqual(["a"]);
    expect(meshVirtualServices(ctx, HOSTS.productpage).map((v) => v.metadata.name)).toEqual(["d"]);
  });

  it("shares packed node-independent resources between proxies of one push, and across pushes only while their inputs are unchanged", () => {
    let ctx = bookinfoContext();
    const g = createGenerator(() => ctx);
    const a = g.generate(sidecarNode(), "cluster", []).resources;
    const b = g.generate({ ...sidecarNode(), id: "other" }, "cluster", []).resources;
    expect(b[0]!.resource).toBe(a[0]!.resource);
    const ra = g.generate(sidecarNode(), "route", []).resources[0]!.resource;
    expect(g.generate(sidecarNode({ SERVICE: HOSTS.reviews }), "route", []).resources[0]!.resource).toBe(ra);
    const byName = (list: typeof a, host: string) => list.find((r) => r.name === `outbound|9080||${host}`)!;
    // A new push over equal (but freshly built) inputs reuses what it can.
    ctx = bookinfoContext({ version: 2 });
    const c = g.generate(sidecarNode(), "cluster", []).resources;
    expect(byName(c, HOSTS.details)).toBe(byName(a, HOSTS.details));
    // A changed DestinationRule rebuilds that service's clusters, and only those.
    ctx = bookinfoContext({ version: 3, destinationRules: bookinfoRules().destinationRules.filter((d) => d.metadata.name !== "details") });
    const d = g.generate(sidecarNode(), "cluster", []).resources;
    expect(byName(d, HOSTS.details)).not.toBe(byName(a, HOSTS.details));
    expect(byName(d, HOSTS.details).resource.value).not.toEqual(byName(a, HOSTS.details).resource.value);
    expect(byName(d, HOSTS.reviews)).toBe(byName(a, HOSTS.reviews));
  });
});
