// LDS translation tests: sidecar virtualOutbound/virtualInbound, the gateway listener, proxyless API
// listeners for requested "host:port" targets, and which policies each workload's policy filter carries.
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ListenerSchema, type Listener } from "../../../proto/gen/envoy/config/listener/v3/listener_pb";
import { HttpConnectionManagerSchema } from "../../../proto/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb";
import { CheckRule_Action, PolicyFilterSchema } from "../../../proto/gen/meshdash/policy/v1/policy_pb";
import type { PolicyRule } from "../rules/istio-types";
import { bookinfoContext, byName, gatewayNode, gen, HOSTS, proxylessNode, sidecarNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";

const g = createGenerator(() => bookinfoContext());

function hcmOf(l: Listener) {
  const f = l.filterChains[0]?.filters[0];
  const any = f?.configType.case === "typedConfig" ? f.configType.value : l.apiListener?.apiListener;
  return anyUnpack(any!, HttpConnectionManagerSchema)!;
}
const addr = (l: Listener) => (l.address?.address.case === "socketAddress" ? l.address.address.value : undefined);

describe("LDS", () => {
  it("gives a sidecar virtualOutbound (RDS outbound; policy report, fault, router) and virtualInbound", () => {
    const ls = gen(g, sidecarNode(), "listener", ListenerSchema);
    expect(ls.map((l) => l.name)).toEqual(["virtualOutbound", "virtualInbound"]);
    const out = byName(ls, "virtualOutbound");
    expect(addr(out)).toMatchObject({ address: "127.0.0.1", portSpecifier: { value: 15001 } });
    const hcm = hcmOf(out);
    expect(hcm.statPrefix).toBe("outbound");
    expect(hcm.routeSpecifier.case).toBe("rds");
    expect(hcm.routeSpecifier.case === "rds" && hcm.routeSpecifier.value.routeConfigName).toBe("outbound");
    expect(hcm.routeSpecifier.case === "rds" && hcm.routeSpecifier.value.configSource?.configSourceSpecifier.case).toBe("ads");
    expect(hcm.httpFilters.map((f) => [f.name, f.configType.case])).toEqual([
      ["meshdash.filters.http.policy", "typedConfig"],
      ["envoy.filters.http.fault", "typedConfig"],
      ["envoy.filters.http.router", "typedConfig"],
    ]);
    const inbound = byName(ls, "virtualInbound");
    expect(addr(inbound)).toMatchObject({ portSpecifier: { value: 15006 } });
    const ih = hcmOf(inbound);
    expect(ih.statPrefix).toBe("inbound");
    const rc = ih.routeSpecifier.case === "routeConfig" ? ih.routeSpecifier.value : undefined;
    const action = rc?.virtualHosts[0]?.routes[0]?.action;
    expect(action?.case === "route" && action.value.clusterSpecifier).toEqual({ case: "cluster", value: `inbound|9080||${HOSTS.productpage}` });
  });

  it("puts the CheckRules and Quotas that select a workload into its inbound and gateway policy filters; outbound only reports", () => {
    const deny: PolicyRule = { kind: "CheckRule", metadata: { name: "no-admin", namespace: "default" }, spec: { action: "DENY", match: 'request.path.startsWith("/admin")', reason: "internal", selector: { matchLabels: { app: "productpage" } } } };
    const elsewhere: PolicyRule = { kind: "CheckRule", metadata: { name: "ratings-only", namespace: "default" }, spec: { action: "ALLOW", selector: { matchLabels: { app: "ratings" } } } };
    const meshWide: PolicyRule = { kind: "Quota", metadata: { name: "per-user", namespace: "istio-system" }, spec: { dimensions: { user: 'request.headers["x-user"]' }, maxAmount: 5, validDuration: "1.5s" } };
    const pg = createGenerator(() => bookinfoContext({ policies: [deny, elsewhere, meshWide] }));
    const policyOf = (l: Listener) => {
      const f = hcmOf(l).httpFilters.find((x) => x.name === "meshdash.filters.http.policy");
      return f?.configType.case === "typedConfig" ? anyUnpack(f.configType.value, PolicyFilterSchema) : undefined;
    };
    const ls = gen(pg, sidecarNode({ LABELS: { app: "productpage", version: "v1" } }), "listener", ListenerSchema);
    const inbound = policyOf(byName(ls, "virtualInbound"))!;
    expect(inbound.report).toBe(true);
    expect(inbound.checkRules.map((r) => [r.name, r.action, r.match, r.reason])).toEqual([["default/no-admin", CheckRule_Action.DENY, 'request.path.startsWith("/admin")', "internal"]]);
    expect(inbound.quotas.map((q) => [q.name, q.maxAmount, q.dimensions, Number(q.validDuration!.seconds), q.validDuration!.nanos])).toEqual([["istio-system/per-user", 5, { user: 'request.headers["x-user"]' }, 1, 500_000_000]]);
    // Router last, policy first: the check runs before routing.
    expect(hcmOf(byName(ls, "virtualInbound")).httpFilters.map((f) => f.name)).toEqual(["meshdash.filters.http.policy", "envoy.filters.http.router"]);
    const outbound = policyOf(byName(ls, "virtualOutbound"))!;
    expect(outbound).toMatchObject({ report: true, checkRules: [], quotas: [] });
    // A workload no selector picks gets only the mesh-wide quota; the gateway (istio-system) likewise.
    const ratings = policyOf(byName(gen(pg, sidecarNode({ LABELS: { app: "ratings" } }), "listener", ListenerSchema), "virtualInbound"))!;
    expect(ratings.checkRules.map((r) => r.name)).toEqual(["default/ratings-only"]);
    const gw = policyOf(gen(pg, gatewayNode(), "listener", ListenerSchema)[0]!)!;
    expect(gw.checkRules).toEqual([]);
    expect(gw.quotas.map((q) => q.name)).toEqual(["istio-system/per-user"]);
  });

  it("honours LISTEN_HOST and leaves out listeners whose ports are not given", () => {
    const ls = gen(g, sidecarNode({ LISTEN_HOST: "0.0.0.0", INBOUND_PORT: undefined }), "listener", ListenerSchema);
    expect(ls.map((l) => l.name)).toEqual(["virtualOutbound"]);
    expect(addr(ls[0]!)?.address).toBe("0.0.0.0");
  });

  it("gives a gateway one listener on GATEWAY_PORT over RDS http.PORT", () => {
    const ls = gen(g, gatewayNode(), "listener", ListenerSchema);
    expect(ls.map((l) => l.name)).toEqual(["0.0.0.0_8080"]);
    expect(addr(ls[0]!)).toMatchObject({ address: "127.0.0.1", portSpecifier: { value: 8080 } });
    const hcm = hcmOf(ls[0]!);
    expect(hcm.routeSpecifier.case === "rds" && hcm.routeSpecifier.value.routeConfigName).toBe("http.8080");
    expect(gen(g, gatewayNode({ ROLE: "gateway" }), "listener", ListenerSchema)).toHaveLength(1);
  });

  it("gives proxyless clients an API listener per requested known target, named as requested", () => {
    const ls = gen(g, proxylessNode(), "listener", ListenerSchema, ["reviews:9080", `${HOSTS.greeter}:50051`, "reviews:1234", "nosuch:80"]);
    expect(ls.map((l) => l.name)).toEqual(["reviews:9080", `${HOSTS.greeter}:50051`]);
    expect(ls[0]!.filterChains).toHaveLength(0);
    const hcm = hcmOf(ls[0]!);
    expect(hcm.routeSpecifier.case === "rds" && hcm.routeSpecifier.value.routeConfigName).toBe("reviews:9080");
    expect(hcm.httpFilters.at(-1)?.name).toBe("envoy.filters.http.router");
    expect(g.generate(proxylessNode(), "listener", []).resources).toEqual([]);
    expect(gen(g, proxylessNode({ NAMESPACE: "prod" }), "listener", ListenerSchema, ["reviews:9080"])).toEqual([]);
  });
});
