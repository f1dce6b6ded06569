// The "outbound" RouteConfiguration built from per-virtual-host bytes must be exactly toBinary of the
// whole message, on a cold build, a warm one (cached virtual hosts) and after rule changes that touch
// cached and uncached virtual hosts.

import { toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RouteConfigurationSchema } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import type { DestinationRule } from "../rules/istio-types";
import { bookinfoContext, bookinfoRules } from "./bookinfo-fixture";
import { createOutboundRoutes } from "./outbound-routes";
import { outboundRouteConfig } from "./route-configs";

const expected = (ctx: ReturnType<typeof bookinfoContext>, ns: string) => toBinary(RouteConfigurationSchema, outboundRouteConfig(ctx, ns));

describe("outbound routes from bytes", () => {
  it("equals toBinary of the whole RouteConfiguration, cold and warm, per namespace", () => {
    const routes = createOutboundRoutes();
    const ctx = bookinfoContext();
    for (const ns of ["default", "other", "default"]) {
      const r = routes.build(ctx, ns);
      expect(r.name).toBe("outbound");
      expect(r.resource.typeUrl).toBe(`type.googleapis.com/${RouteConfigurationSchema.typeName}`);
      expect(r.resource.value).toEqual(expected(ctx, ns));
    }
    // Unchanged bytes keep the same object.
    expect(routes.build(bookinfoContext({ version: 2 }), "default")).toBe(routes.build(ctx, "default"));
  });

  it("follows rule changes on cached (default) and uncached (VirtualService) virtual hosts", () => {
    const routes = createOutboundRoutes();
    routes.build(bookinfoContext(), "default");
    const rules = bookinfoRules();
    const details = rules.destinationRules.find((d) => d.metadata.name === "details")!;
    const hashed: DestinationRule = { ...details, spec: { ...details.spec, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: "x-id" } } } } };
    const changes = [
      bookinfoContext({ destinationRules: [...rules.destinationRules.filter((d) => d !== details), hashed] }),
      bookinfoContext({ virtualServices: [] }),
      bookinfoContext(),
    ];
    for (const ctx of changes) expect(routes.build(ctx, "default").resource.value).toEqual(expected(ctx, "default"));
  });
});
