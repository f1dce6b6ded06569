// MeshService on the real runtime over Connect (HTTP/1.1, as browsers call it): WatchProxies streams the
// demo mesh's proxy status live (SYNCED, ERROR with the NACK text, external xDS clients), and
// GetConfigDump returns an in-process proxy's Envoy-shaped, redacted /config_dump or a clear error.

import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigService } from "../../proto/gen/meshdash/config/v1/config_pb";
import { MeshService, ProxyRole, SyncState, type Proxy, type WatchProxiesResponse } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { startTestServer, type TestServer } from "../test-util/test-server";
import { TYPE_URL } from "../xds/xds-types";
import { eventually, node, openSotw } from "../xds/xds-test-util";

let server: TestServer;
let mesh: Client<typeof MeshService>;
let config: Client<typeof ConfigService>;

beforeAll(async () => {
  server = await startTestServer();
  const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" });
  mesh = createClient(MeshService, transport);
  config = createClient(ConfigService, transport);
  // The demo's last endpoint push may still be awaiting ACKs when the runtime reports ready.
  await eventually(() => server.runtime.controlPlane.ads.status().every((s) => s.types.every((t) => t.state === "SYNCED")), "the demo mesh converged", 10_000);
});
afterAll(() => server.stop());

const allSynced = (p: Proxy) => p.sync.length === 4 && p.sync.every((s) => s.state === SyncState.SYNCED);

/** Reads WatchProxies until a message satisfies `until`; returns every message read. */
async function watch(until: (m: WatchProxiesResponse) => boolean, ms = 10_000): Promise<WatchProxiesResponse[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  const seen: WatchProxiesResponse[] = [];
  try {
    for await (const m of mesh.watchProxies({}, { signal: abort.signal })) {
      seen.push(m);
      if (until(m)) return seen;
    }
    throw new Error("WatchProxies ended");
  } catch (e) {
    if (abort.signal.aborted) throw new Error(`WatchProxies: no matching message within ${ms}ms (last: ${seen.length ? JSON.stringify(seen.at(-1)!.proxies.map((p) => [p.id, p.sync.map((s) => `${s.type}=${SyncState[s.state]}`)])) : "none"})`);
    throw e;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

async function rejected(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}

const sidecarId = () => server.runtime.proxies.find((p) => p.id.includes("~productpage-v1-0."))!.id;
const head = async () => (await config.listRevisions({ limit: 1 })).head;

describe("MeshService.WatchProxies", () => {
  it("first lists the gateway and the 9 sidecars, every xDS type SYNCED", async () => {
    const [first] = await watch(() => true);
    const proxies = first!.proxies;
    expect(proxies).toHaveLength(10);
    expect(proxies.filter((p) => p.role === ProxyRole.GATEWAY).map((p) => p.id)).toEqual(["router~127.0.0.1~istio-ingressgateway.default~default.svc.cluster.local"]);
    expect(proxies.filter((p) => p.role === ProxyRole.SIDECAR)).toHaveLength(9);
    for (const p of proxies) {
      expect(p.inProcess).toBe(true);
      expect(p.connectedAtMs).toBeGreaterThan(0n);
      expect(p.sync.map((s) => s.type).sort()).toEqual(["CDS", "EDS", "LDS", "RDS"]);
      expect(allSynced(p), `${p.id} is SYNCED`).toBe(true);
      for (const s of p.sync) {
        expect(s.ackedVersion).toBe(s.sentVersion);
        expect(s.lastSentMs).toBeGreaterThan(0n);
        expect(s.lastAckMs).toBeGreaterThanOrEqual(s.lastSentMs);
      }
    }
  });

  it("sends a NACK live as ERROR with the proxy's message, then SYNCED with a convergence time once fixed", async () => {
    const cookie = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: session, ttl: 60s } } } }
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }, { name: v3, labels: { version: v3 } }]
`;
    const rev = await head();
    const errored = watch((m) => m.proxies.some((p) => p.sync.some((s) => s.state === SyncState.ERROR)));
    await config.applyConfig({ yaml: cookie, expectedRevision: rev, message: "sticky sessions" });
    const nack = (await errored).at(-1)!.proxies.flatMap((p) => p.sync.filter((s) => s.state === SyncState.ERROR))[0]!;
    expect(nack.error).toContain("generated cookies (ttl) are not supported");
    expect(nack.ackedVersion).not.toBe(nack.sentVersion);

    const fixedAt = Date.now();
    await config.applyConfig({ yaml: cookie.replace(", ttl: 60s", ""), expectedRevision: rev + 1n, message: "sticky sessions without ttl" });
    const synced = (await watch((m) => m.proxies.length === 10 && m.proxies.every(allSynced) && m.proxies.every((p) => p.sync.some((s) => Number(s.lastAckMs) >= fixedAt)))).at(-1)!;
    const pushed = synced.proxies.flatMap((p) => p.sync.filter((s) => Number(s.lastSentMs) >= fixedAt));
    expect(pushed.length).toBeGreaterThan(0);
    for (const s of pushed) {
      expect(s.convergenceMs).toBeGreaterThanOrEqual(0);
      expect(s.convergenceMs).toBeLessThan(10_000);
    }
  });

  it("lists an external proxyless xDS client next to the in-process proxies, and drops it when it leaves", async () => {
    const id = `grpc-client-${Date.now()}`;
    const client = openSotw(server.runtime.xdsAddress());
    try {
      client.send({ node: node(id, { GENERATOR: "grpc" }), typeUrl: TYPE_URL.listener, resourceNames: ["reviews.default.svc.cluster.local:9080"] });
      const seen = await watch((m) => m.proxies.some((p) => p.id === id && p.sync.length > 0));
      const ext = seen.at(-1)!.proxies.find((p) => p.id === id)!;
      expect(ext.role).toBe(ProxyRole.PROXYLESS);
      expect(ext.inProcess).toBe(false);
      expect(ext.connectedAtMs).toBeGreaterThan(0n);
      expect(ext.sync.map((s) => s.type)).toContain("LDS");
      const err = await rejected(mesh.getConfigDump({ proxyId: id }));
      expect(err.code).toBe(Code.FailedPrecondition);
      expect(err.rawMessage).toContain(`proxy "${id}" is an external xDS client (proxyless`);
      expect(err.rawMessage).toContain("no config_dump");
    } finally {
      client.close();
    }
    await watch((m) => m.proxies.length === 10 && !m.proxies.some((p) => p.id === id));
  });
});

describe("MeshService.GetConfigDump", () => {
  it("returns a sidecar's dynamic listeners, routes, clusters and endpoints with Authorization-like secrets redacted", async () => {
    const details = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: details, namespace: default }
spec:
  hosts: [details]
  http:
    - name: details-auth
      match: [{ headers: { authorization: { exact: "Bearer match-secret-1" } } }]
      headers:
        request:
          set: { authorization: "Bearer set-secret-2", cookie: "sid=cookie-secret-3", x-team: blue }
      route: [{ destination: { host: details } }]
    - route: [{ destination: { host: details } }]
`;
    await config.applyConfig({ yaml: details, expectedRevision: await head(), author: "test", message: "details with credentials" });
    const id = sidecarId();
    await eventually(async () => (await mesh.getConfigDump({ proxyId: id })).configDump.includes("details-auth"), "the sidecar got the route", 10_000);
    const res = await mesh.getConfigDump({ proxyId: id });
    expect(res.dynamic).toBe(true);
    expect(res.configVersion).toBe(server.runtime.proxies.find((p) => p.id === id)!.config().version);
    expect(res.appliedAtMs).toBeGreaterThan(0n);
    expect(res.resources).toEqual(["dynamic_listeners", "dynamic_route_configs", "dynamic_active_clusters", "dynamic_endpoint_configs"]);

    const dump = JSON.parse(res.configDump) as { configs: Record<string, unknown>[] };
    expect(dump.configs.map((c) => c["@type"])).toEqual([
      "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
      "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
      "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
      "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump",
    ]);
    const listeners = dump.configs[0]!.dynamic_listeners as { name: string; active_state: { listener: { "@type": string } } }[];
    expect(listeners.length).toBeGreaterThan(0);
    expect(listeners[0]!.active_state.listener["@type"]).toBe("type.googleapis.com/envoy.config.listener.v3.Listener");
    const clusters = dump.configs[2]!.dynamic_active_clusters as { cluster: { name: string } }[];
    expect(clusters.map((c) => c.cluster.name)).toContain("outbound|9080||details.default.svc.cluster.local");

    for (const secret of ["match-secret-1", "set-secret-2", "cookie-secret-3"]) expect(res.configDump).not.toContain(secret);
    expect(res.configDump).toContain("[REDACTED]");
    expect(res.configDump).toContain('"blue"'); // only secrets are hidden
    expect(res.configDump).toMatch(/"name": "authorization"/);
  });

  it("filters by resource and name_regex as Envoy's /config_dump does", async () => {
    const res = await mesh.getConfigDump({ proxyId: sidecarId(), resource: "dynamic_active_clusters", nameRegex: "\\|v[0-9]\\|reviews\\." });
    const dump = JSON.parse(res.configDump) as { configs: { "@type": string; dynamic_active_clusters: { cluster: { name: string } }[] }[] };
    expect(dump.configs).toHaveLength(1);
    expect(dump.configs[0]!["@type"]).toBe("type.googleapis.com/envoy.admin.v3.ClustersConfigDump");
    expect(dump.configs[0]!.dynamic_active_clusters.map((c) => c.cluster.name).sort()).toEqual([
      "outbound|9080|v1|reviews.default.svc.cluster.local",
      "outbound|9080|v2|reviews.default.svc.cluster.local",
      "outbound|9080|v3|reviews.default.svc.cluster.local",
    ]);
  });

  it("answers NOT_FOUND for an unknown proxy and INVALID_ARGUMENT for bad input, with clear messages", async () => {
    const missing = await rejected(mesh.getConfigDump({ proxyId: "sidecar~10.9.9.9~nope.default~default.svc.cluster.local" }));
    expect(missing.code).toBe(Code.NotFound);
    expect(missing.rawMessage).toBe('no proxy "sidecar~10.9.9.9~nope.default~default.svc.cluster.local": it neither runs in this process nor is connected to the control plane (ListProxies lists the 10 known proxies)');
    const empty = await rejected(mesh.getConfigDump({ proxyId: "" }));
    expect(empty.code).toBe(Code.InvalidArgument);
    expect(empty.rawMessage).toContain("proxy_id is required");
    const resource = await rejected(mesh.getConfigDump({ proxyId: sidecarId(), resource: "static_clusters" }));
    expect(resource.code).toBe(Code.InvalidArgument);
    expect(resource.rawMessage).toContain('unknown resource "static_clusters"');
    expect(resource.rawMessage).toContain("dynamic_active_clusters");
    const regex = await rejected(mesh.getConfigDump({ proxyId: sidecarId(), nameRegex: "(" }));
    expect(regex.code).toBe(Code.InvalidArgument);
    expect(regex.rawMessage).toMatch(/^invalid name_regex: /);
    const backreference = await rejected(mesh.getConfigDump({ proxyId: sidecarId(), nameRegex: "(a)\\1" }));
    expect(backreference.code).toBe(Code.InvalidArgument);
    expect(backreference.rawMessage).toMatch(/^invalid name_regex: /);
  });
});
