// ClusterService on the real runtime and demo mesh, over Connect (HTTP/1.1) and gRPC: cluster rows with
// the DestinationRule's settings, endpoints with localities and Envoy's health flags, the stats stream
// (history first, then each sample), golden signals per service, and endpoints EDS marks unhealthy.

import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterService, type Cluster as ClusterMsg, type WatchClusterStatsResponse, type WatchClustersResponse } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { startTestServer, type TestServer } from "../test-util/test-server";
import { istioRef } from "../stats-history/istio-series";
import { eventually } from "../xds/xds-test-util";

let server: TestServer;
let clusters: Client<typeof ClusterService>;
let gateway: string;

beforeAll(async () => {
  server = await startTestServer();
  clusters = createClient(ClusterService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
  const gw = server.runtime.proxies.find((p) => p.role === "gateway")!;
  gateway = gw.id;
  // The sampler's first look at a cluster is its baseline: take it now, so the timer (every 2 s) cannot
  // first see the gateway's details cluster after a test's requests and count them as baseline.
  await eventually(() => gw.config().clusters.has(DETAILS), "the gateway to have the details cluster");
  server.runtime.clusterStats.sample();
});
afterAll(() => server.stop());

const DETAILS = "outbound|9080||details.default.svc.cluster.local";

async function rejected(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}

describe("ClusterService", () => {
  it("lists every proxy's clusters with type, load balancer, circuit breakers and endpoint health", async () => {
    const res = await clusters.listClusters({});
    expect(res.proxies).toHaveLength(server.runtime.proxies.length);
    expect(res.windowMs).toBe(60_000);
    const atGateway = res.clusters.filter((c) => c.proxy === gateway);
    const details = atGateway.find((c) => c.name === DETAILS)!;
    expect(details).toMatchObject({ type: "EDS", lbPolicy: "ROUND_ROBIN", protocol: "HTTP1", outlierDetection: false });
    expect(details.totalEndpoints).toBeGreaterThan(0);
    expect(details.healthyEndpoints).toBe(details.totalEndpoints);
    // The demo's DestinationRules: reviews balances by least request; ratings has a connection pool and outlier detection.
    expect(atGateway.find((c) => c.name === "outbound|9080||reviews.default.svc.cluster.local")!.lbPolicy).toBe("LEAST_REQUEST");
    const ratings = atGateway.find((c) => c.name === "outbound|9080||ratings.default.svc.cluster.local")!;
    expect(ratings.outlierDetection).toBe(true);
    expect(ratings.circuitBreakers).toMatchObject({ maxConnections: 100, maxPendingRequests: 64, maxRetries: 10 });
    expect(details.circuitBreakers!.maxConnections).toBe(4_294_967_295);
    // Sidecars have their inbound cluster to the local app.
    expect(res.clusters.some((c) => c.proxy !== gateway && /^inbound\|\d+\|\|/.test(c.name) && c.type === "STATIC")).toBe(true);

    const only = await clusters.listClusters({ proxy: gateway });
    expect(new Set(only.clusters.map((c) => c.proxy))).toEqual(new Set([gateway]));
    expect((await rejected(clusters.listClusters({ proxy: "nope" }))).code).toBe(Code.NotFound);
  });

  it("watches the rows: the whole list first (in parts), then only rows that changed or went away", async () => {
    const abort = new AbortController();
    const it = clusters.watchClusters({}, { signal: abort.signal })[Symbol.asyncIterator]();
    const rows = new Map<string, ClusterMsg>();
    const key = (proxy: string, name: string) => `${proxy}\n${name}`;
    let m = (await it.next()).value as WatchClustersResponse;
    expect(m.reset).toBe(true);
    for (;;) {
      for (const c of m.clusters) rows.set(key(c.proxy, c.name), c);
      if (!m.partial) break;
      m = (await it.next()).value as WatchClustersResponse;
      expect(m.reset).toBe(false);
    }
    const listed = await clusters.listClusters({});
    expect(rows.size).toBe(listed.clusters.length);
    expect(m.proxies).toEqual(listed.proxies);
    expect(rows.get(key(gateway, DETAILS))!.traffic).toBeUndefined();

    for (let i = 1; i <= 4; i++) expect((await fetch(`${server.ingressUrl}/details/${i}`)).status).toBe(200);
    server.runtime.clusterStats.sample();
    // Only changed rows come: the gateway's details cluster (and the details sidecars' inbound ones). The
    // runtime's timer may have sampled mid-way too: read until the gateway's row has all four requests.
    for (;;) {
      m = (await it.next()).value as WatchClustersResponse;
      expect(m.reset).toBe(false);
      expect(m.clusters.length).toBeLessThan(10);
      const changed = m.clusters.find((c) => c.proxy === gateway && c.name === DETAILS);
      if (changed && Number(changed.traffic!.requests) >= 4) break;
    }

    const registry = createClient(RegistryService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    await registry.registerServices({ yaml: "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: brief, namespace: default }\nspec: { hosts: [brief], ports: [{ number: 80, name: http }] }\n" });
    const brief = "outbound|80||brief.default.svc.cluster.local";
    const seen = async (pred: (m: WatchClustersResponse) => boolean) => {
      for (;;) {
        const next = (await it.next()).value as WatchClustersResponse;
        if (pred(next)) return next;
      }
    };
    const added = await seen((x) => x.clusters.some((c) => c.name === brief));
    expect(added.clusters.filter((c) => c.name === brief)).toHaveLength(server.runtime.proxies.length);
    await registry.registerServices({ yaml: "" });
    const gone = await seen((x) => x.removed.some((k) => k.name === brief));
    expect(gone.removed.filter((k) => k.name === brief).map((k) => k.proxy).sort()).toEqual([...listed.proxies].sort());
    abort.abort();
  });

  it("gets one cluster's endpoints with locality, weight and Envoy's health flags; the gateway's by default", async () => {
    const res = await clusters.getCluster({ name: DETAILS });
    expect(res.cluster!.proxy).toBe(gateway);
    expect(res.proxies).toContain(gateway);
    expect(res.proxies.some((p) => p.startsWith("sidecar~") && p.includes("productpage"))).toBe(true);
    expect(res.endpoints.length).toBe(res.cluster!.totalEndpoints);
    for (const ep of res.endpoints) {
      expect(ep.address).toMatch(/^127\.0\.0\.\d+:\d+$/);
      expect(ep.locality!.region).toBe("local");
      expect(ep.locality!.zone).toMatch(/^zone-[ab]$/);
      expect(ep).toMatchObject({ healthFlags: "healthy", healthy: true, weight: 1, edsHealthStatus: "HEALTHY" });
      expect(ep.ejection!.ejected).toBe(false);
    }
    expect((await rejected(clusters.getCluster({ name: "outbound|1||nope" }))).code).toBe(Code.NotFound);
    expect((await rejected(clusters.getCluster({ proxy: gateway, name: "" }))).code).toBe(Code.InvalidArgument);
  });

  it("streams the stats history first, then each sample as traffic flows; over gRPC too", async () => {
    const sampler = server.runtime.clusterStats;
    for (const transport of [createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }), createGrpcTransport({ baseUrl: server.baseUrl })]) {
      const client = createClient(ClusterService, transport);
      const abort = new AbortController();
      const it = client.watchClusterStats({ name: DETAILS }, { signal: abort.signal })[Symbol.asyncIterator]();
      const first = (await it.next()).value as WatchClusterStatsResponse;
      expect(first).toMatchObject({ history: true, intervalMs: 2000, windowMs: 300_000, proxy: gateway });
      const sent = 12;
      for (let i = 0; i < sent; i++) expect((await fetch(`${server.ingressUrl}/details/${i + 1}`)).status).toBe(200);
      sampler.sample();
      // The runtime's own timer may sample too: read until the requests show up.
      let seen = 0;
      while (seen < sent) {
        const next = (await it.next()).value as WatchClusterStatsResponse;
        expect(next.history).toBe(false);
        for (const p of next.points) {
          seen += Number(p.traffic!.requests);
          if (p.traffic!.requests > 0n) {
            expect(p.traffic!.errorRate).toBe(0);
            expect(p.traffic!.p99Ms).toBeGreaterThan(0);
          }
        }
      }
      expect(seen).toBe(sent);
      abort.abort();
    }
    // The history now holds those points: a new watcher gets them in its first message.
    const again = clusters.watchClusterStats({ name: DETAILS })[Symbol.asyncIterator]();
    const history = (await again.next()).value as WatchClusterStatsResponse;
    expect(history.points.reduce((n, p) => n + Number(p.traffic!.requests), 0)).toBe(28);
    await again.return?.();
    // That traffic went over the gateway's pooled upstream connections, which the endpoints now count.
    const eps = (await clusters.getCluster({ name: DETAILS })).endpoints;
    expect(eps.reduce((n, e) => n + Number(e.totalConnections), 0)).toBeGreaterThan(0);
    for (const e of eps) expect(e.activeConnections).toBeLessThanOrEqual(e.totalConnections);
  });

  it("gives each service its golden signals, from Istio's metrics reported by its sidecars", async () => {
    for (let i = 1; i <= 5; i++) expect((await fetch(`${server.ingressUrl}/details/${i}`)).status).toBe(200);
    // Reports reach the metrics in batches, off the request path: sample until the last batch is in.
    const res = await eventually(async () => {
      server.runtime.clusterStats.sample();
      const r = await clusters.listServiceStats({ historyPoints: 10 });
      return Number(r.services.find((s) => s.name === "details")!.traffic!.requests) >= 33 && r;
    }, "the details sidecars' reports of all 33 requests");
    const details = res.services.find((s) => s.hostname === "details.default.svc.cluster.local")!;
    expect(details).toMatchObject({ name: "details", namespace: "default", view: "inbound", instances: 2 });
    expect(server.runtime.clusterStats.has(istioRef("details.default.svc.cluster.local"))).toBe(true);
    // Served at the details sidecars: this test's 5 requests plus the 4 + 24 of the watch tests, all 200.
    expect(Number(details.traffic!.requests)).toBe(33);
    expect(details.traffic!.errorRate).toBe(0);
    expect(details.traffic!.p99Ms).toBeGreaterThan(0);
    expect(details.history.length).toBeGreaterThan(0);
    expect(details.history.length).toBeLessThanOrEqual(10);
    expect(details.history.reduce((n, p) => n + Number(p.traffic!.requests), 0)).toBe(33);
    expect(res.services.map((s) => s.name)).toEqual(expect.arrayContaining(["productpage", "details", "reviews", "ratings"]));
  });

  it("lists endpoints that some proxy will not balance to, with their flags", async () => {
    expect((await clusters.listUnhealthyEndpoints({})).total).toBe(0);
    const registry = createClient(RegistryService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    await registry.registerServices({
      yaml: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: legacy, namespace: default }
spec:
  hosts: [legacy]
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  endpoints:
    - { address: 127.0.0.1, ports: { http: 1 }, locality: eu-west/a }
    - { address: 127.0.0.1, ports: { http: 2 }, healthy: false }
`,
    });
    const res = await eventually(async () => {
      const r = await clusters.listUnhealthyEndpoints({ limit: 3 });
      return r.total === server.runtime.proxies.length && r;
    }, "every proxy to list the unhealthy legacy endpoint");
    expect(res.endpoints).toHaveLength(3);
    for (const u of res.endpoints) {
      expect(u.cluster).toBe("outbound|8080||legacy.default.svc.cluster.local");
      expect(u.endpoint).toMatchObject({ address: "127.0.0.1:2", healthFlags: "/failed_eds_health", healthy: false, edsHealthStatus: "UNHEALTHY" });
    }
    const legacy = await clusters.getCluster({ proxy: gateway, name: "outbound|8080||legacy.default.svc.cluster.local" });
    expect(legacy.cluster).toMatchObject({ healthyEndpoints: 1, totalEndpoints: 2 });
    expect(legacy.endpoints.find((e) => e.address === "127.0.0.1:1")!.locality).toMatchObject({ region: "eu-west", zone: "a" });
    await registry.registerServices({ yaml: "" });
  });
});
