// Integration test: the generated LDS, RDS, CDS and EDS for a sidecar and a gateway are applied to the
// real proxy engine (zero ConfigError issues), then real HTTP requests go through its listeners to real
// upstream servers standing in for the service instances.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BootstrapSchema } from "../../../proto/gen/envoy/config/bootstrap/v3/bootstrap_pb";
import { ClusterSchema } from "../../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { ListenerSchema } from "../../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import { ConfigError, createProxy, type Proxy } from "../../../proxy-engine";
import type { ProxyNode } from "../../xds/xds-types";
import type { WorkloadInstance } from "../registry/registry-types";
import type { VirtualService } from "../rules/istio-types";
import { bookinfoRules, bookinfoServices, gatewayNode, gen, HOSTS, sidecarNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";
import { buildPushContext, type PushContext } from "./push-context";
import { ISTIO_DEFAULT_RETRY_ON } from "./route-policies";

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function listen(handler: http.RequestListener): Promise<http.Server> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return s;
}

const portOf = (s: http.Server) => (s.address() as AddressInfo).port;

async function freePort(): Promise<number> {
  const s = await listen(() => {});
  const port = portOf(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Everything the generator gives `node`, unpacked, applied as one dynamic config. */
async function applyGenerated(proxy: Proxy, g: ReturnType<typeof createGenerator>, node: ProxyNode): Promise<void> {
  const resources = {
    listeners: gen(g, node, "listener", ListenerSchema),
    routeConfigs: gen(g, node, "route", RouteConfigurationSchema),
    clusters: gen(g, node, "cluster", ClusterSchema),
    loadAssignments: gen(g, node, "endpoint", ClusterLoadAssignmentSchema),
    pathPrefix: "",
    dynamic: true,
  };
  try {
    await proxy.applyResources(resources, "v1");
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`engine rejected the generated config:\n${e.issues.map((i) => `${i.path}: ${i.message}`).join("\n")}`);
    throw e;
  }
}

const gatewayRules: VirtualService = {
  kind: "VirtualService",
  metadata: { name: "ingress", namespace: "default" },
  spec: {
    hosts: ["*"],
    gateways: ["bookinfo-gateway"],
    http: [
      { name: "abort", match: [{ uri: { prefix: "/ratings" } }], fault: { abort: { httpStatus: 418, percentage: { value: 100 } } }, route: [{ destination: { host: "ratings" } }] },
      {
        name: "reviews",
        match: [{ uri: { prefix: "/reviews" } }],
        headers: { response: { set: { "x-mesh": "gw" } } },
        route: [
          { destination: { host: "reviews", subset: "v1" }, weight: 0 },
          { destination: { host: "reviews", subset: "v2" }, weight: 100 },
        ],
      },
      { name: "delay", match: [{ uri: { prefix: "/slow" } }], fault: { delay: { fixedDelay: "50ms", percentage: { value: 100 } } }, route: [{ destination: { host: "productpage" } }] },
      { match: [{ uri: { exact: "/teapot" } }], directResponse: { status: 418, body: { string: "teapot" } } },
      { route: [{ destination: { host: "productpage" } }] },
    ],
  },
};

describe("generated config on the real proxy engine", () => {
  const servers: http.Server[] = [];
  const proxies: Proxy[] = [];
  let ctx: PushContext;
  let gatewayPort = 0;
  let outboundPort = 0;
  let inboundPort = 0;

  beforeAll(async () => {
    const names = ["productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3", "ratings-v1"];
    const ports = new Map<string, number>();
    const flaky = new Set<string>();
    for (const n of names) {
      const s = await listen((req, res) => {
        // /flaky/*: 503 the first time a path is seen, 200 afterwards (exercises the default retry policy).
        if (req.url?.startsWith("/flaky/") && !flaky.has(req.url)) {
          flaky.add(req.url);
          res.writeHead(503).end("try again");
          return;
        }
        res.writeHead(200, { "content-type": "text/plain", "x-upstream": n });
        res.end(`${n} ${req.url}`);
      });
      servers.push(s);
      ports.set(n, portOf(s));
    }
    const instances: WorkloadInstance[] = names.map((n) => {
      const [app, version] = n.split("-") as [string, string];
      return { service: `${app}.default.svc.cluster.local`, name: `${n}-0`, address: "127.0.0.1", ports: { 9080: ports.get(n)! }, labels: { app, version }, locality: { region: "r", zone: "z", subZone: "" }, healthy: true };
    });
    const rules = bookinfoRules();
    // The Bookinfo DestinationRules (subset policies, ring hash, maglev, pools, outlier detection), its
    // reviews VirtualService, and the gateway rules.
    const mesh = rules.virtualServices.filter((v) => v.metadata.name === "reviews");
    ctx = buildPushContext({ version: 1, registry: { version: 1, services: bookinfoServices(), instances }, virtualServices: [...mesh, gatewayRules], destinationRules: rules.destinationRules });
    const g = createGenerator(() => ctx);
    [gatewayPort, outboundPort, inboundPort] = [await freePort(), await freePort(), await freePort()];
    const gateway = createProxy({ id: "gw", role: "gateway", bootstrap: create(BootstrapSchema, {}) });
    const sidecar = createProxy({ id: "sc", role: "sidecar", bootstrap: create(BootstrapSchema, {}) });
    proxies.push(gateway, sidecar);
    await Promise.all(proxies.map((p) => p.start()));
    await applyGenerated(gateway, g, gatewayNode({ GATEWAY_PORT: String(gatewayPort) }));
    await applyGenerated(sidecar, g, sidecarNode({ OUTBOUND_PORT: String(outboundPort), INBOUND_PORT: String(inboundPort), APP_PORT: String(ports.get("productpage-v1")) }));
  });

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.stop(100)));
    await Promise.all(servers.map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
  });

  it("binds the gateway and sidecar listeners", () => {
    expect(proxies[0]!.listeners().map((l) => l.name)).toEqual(["0.0.0.0_8080".replace("8080", String(gatewayPort))]);
    expect(proxies[1]!.listeners().map((l) => l.name).sort()).toEqual(["virtualInbound", "virtualOutbound"]);
  });

  it("sends 100% of gateway traffic for /reviews to subset v2", async () => {
    for (let i = 0; i < 20; i++) {
      const r = await request(gatewayPort, `/reviews/${i}`);
      expect(r).toMatchObject({ status: 200, body: `reviews-v2 /reviews/${i}`, headers: { "x-mesh": "gw" } });
    }
  });

  it("serves the catch-all and direct responses through the gateway", async () => {
    expect(await request(gatewayPort, "/anything")).toMatchObject({ status: 200, body: "productpage-v1 /anything" });
    expect(await request(gatewayPort, "/teapot")).toMatchObject({ status: 418, body: "teapot" });
  });

  it("routes the sidecar's outbound traffic by Host header through the mesh rules", async () => {
    expect(await request(outboundPort, "/r", { host: "reviews:9080", "end-user": "jason" })).toMatchObject({ status: 200, body: "reviews-v2 /r" });
    expect((await request(outboundPort, "/d", { host: "details" })).body).toBe("details-v1 /d");
    expect((await request(outboundPort, "/x", { host: "ratings.default.svc.cluster.local:9080", "x-user": "u1" })).body).toBe("ratings-v1 /x");
    const split = new Set<string>();
    for (let i = 0; i < 20; i++) split.add((await request(outboundPort, "/", { host: HOSTS.reviews })).body);
    expect([...split].every((b) => b === "reviews-v1 /" || b === "reviews-v3 /")).toBe(true);
  });

  it("routes the sidecar's inbound traffic to the local app", async () => {
    expect(await request(inboundPort, "/in", { host: "whatever" })).toMatchObject({ status: 200, body: "productpage-v1 /in" });
  });

  it("accepts Istio's default retry_on unfiltered (gRPC conditions included) and retries a 503", async () => {
    // beforeAll applied these routes to both proxies; check they carry the whole default.
    const g = createGenerator(() => ctx);
    const gw = gen(g, gatewayNode({ GATEWAY_PORT: String(gatewayPort) }), "route", RouteConfigurationSchema)[0]!;
    const sc = gen(g, sidecarNode(), "route", RouteConfigurationSchema)[0]!;
    const policies = [...gw.virtualHosts, ...sc.virtualHosts].flatMap((v) => v.routes).flatMap((r) => (r.action.case === "route" && r.action.value.retryPolicy ? [r.action.value.retryPolicy] : []));
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) expect(p).toMatchObject({ retryOn: ISTIO_DEFAULT_RETRY_ON, numRetries: 2, retriableStatusCodes: [503] });
    expect(ISTIO_DEFAULT_RETRY_ON.split(",")).toEqual(expect.arrayContaining(["unavailable", "cancelled"]));
    expect(await request(gatewayPort, "/flaky/gw")).toMatchObject({ status: 200, body: "productpage-v1 /flaky/gw" });
    expect(await request(outboundPort, "/flaky/sc", { host: "details" })).toMatchObject({ status: 200, body: "details-v1 /flaky/sc" });
  });

  it("returns the configured fault abort status through the gateway", async () => {
    const r = await request(gatewayPort, "/ratings");
    expect(r.status).toBe(418);
  });

  it("delays requests by the configured fixed delay through the gateway", async () => {
    const start = performance.now();
    const r = await request(gatewayPort, "/slow");
    // Lower bound only (with slack for timer granularity); never an upper bound.
    expect(performance.now() - start).toBeGreaterThanOrEqual(45);
    expect(r).toMatchObject({ status: 200, body: "productpage-v1 /slow" });
  });
});
