// The config push flow end to end on the real runtime: ConfigService (Connect over HTTP/1.1) validates,
// dry-runs, stores revisions and rolls back; the debounced push reaches every demo proxy over ADS and
// changes real traffic; bad input is refused with field paths and stores nothing; a config the proxies
// NACK shows ERROR with the proxy's message while the last good config keeps serving.

import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChangeKind, ConfigService, ValidationErrorsSchema } from "../../proto/gen/meshdash/config/v1/config_pb";
import { MeshService, ProxyRole, SyncState } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { startTestServer, type TestServer } from "../test-util/test-server";
import { eventually } from "../xds/xds-test-util";

let server: TestServer;
let config: Client<typeof ConfigService>;
let mesh: Client<typeof MeshService>;

beforeAll(async () => {
  server = await startTestServer();
  const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" });
  config = createClient(ConfigService, transport);
  mesh = createClient(MeshService, transport);
});
afterAll(() => server.stop());

const reviews = (weights: [number, number, number], extra = "") => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
    - name: reviews-split
      route:
        - { destination: { host: reviews, subset: v1 }, weight: ${weights[0]} }
        - { destination: { host: reviews, subset: v2 }, weight: ${weights[1]} }
        - { destination: { host: reviews, subset: v3 }, weight: ${weights[2]} }${extra}
`;

const head = async () => Number((await config.listRevisions({ limit: 1 })).head);
/** The reviews version productpage reached: its sidecar routes by the mesh VirtualService (the gateway does not). */
const version = async () => ((await (await fetch(`${server.ingressUrl}/productpage`)).json()) as { reviews: { version: string } }).reviews.version;

async function rejected(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}

describe("ConfigService", () => {
  it("starts from the demo rules as revision 1", async () => {
    const { revision, configs } = await config.listConfigs({});
    expect(revision).toBe(1n);
    expect(configs.map((c) => `${c.ref!.kind}/${c.ref!.name}`)).toEqual(["DestinationRule/ratings", "DestinationRule/reviews", "VirtualService/bookinfo", "VirtualService/ratings", "VirtualService/reviews"]);
    expect(configs[0]!.yaml).toContain("apiVersion: networking.istio.io/v1");
  });

  it("dry-runs a change: rule diff and per-proxy xDS diff, nothing stored", async () => {
    const { result } = await config.applyConfig({ yaml: reviews([0, 100, 0]), expectedRevision: 1n, dryRun: true });
    expect(result!.revision).toBeUndefined();
    expect(result!.configDiff.map((d) => [d.ref!.name, d.change])).toEqual([["reviews", ChangeKind.MODIFIED]]);
    const rds = result!.xdsDiff.filter((d) => d.type === "RDS");
    expect(rds.length).toBeGreaterThanOrEqual(9);
    expect(rds.find((d) => d.name === "outbound")!.afterJson).toContain("outbound|9080|v2|reviews.default.svc.cluster.local");
    expect(await head()).toBe(1);
  });

  it("stores a change as a revision, pushes it, and traffic follows; every proxy ACKs", async () => {
    const { result } = await config.applyConfig({ yaml: reviews([0, 100, 0]), expectedRevision: 1n, author: "alice", message: "all reviews to v2" });
    expect(result!.revision).toMatchObject({ revision: 2n, author: "alice", message: "all reviews to v2" });
    await eventually(async () => {
      for (let i = 0; i < 5; i++) if ((await version()) !== "v2") return false;
      return true;
    }, "reviews traffic on v2", 10_000);
    const { proxies } = await mesh.listProxies({});
    for (const p of proxies) {
      const rds = p.sync.find((s) => s.type === "RDS")!;
      expect(rds.state).toBe(SyncState.SYNCED);
      // Sidecars route to reviews, so this write reached them and its write → ACK time is known. The
      // gateway's routes did not change: its RDS was last sent when it connected (no write to time from).
      if (p.role === ProxyRole.SIDECAR) expect(rds.convergenceMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("refuses a stale write with ABORTED and keeps both the store and the traffic", async () => {
    const err = await rejected(config.applyConfig({ yaml: reviews([100, 0, 0]), expectedRevision: 1n }));
    expect(err.code).toBe(Code.Aborted);
    expect(err.rawMessage).toContain("VirtualService default/reviews was changed in revision 2");
    expect(await head()).toBe(2);
    expect(await version()).toBe("v2");
  });

  it("refuses bad input with the field path and stores nothing", async () => {
    const cases: [string, string, string][] = [
      [reviews([50, 40, 0]), "spec.http[0].route", "weights must sum to 100"],
      [reviews([100, 0, 0]).replace("subset: v1", "subset: v9"), "spec.http[0].route[0].destination.subset", 'subset "v9"'],
      [reviews([100, 0, 0]).replaceAll("host: reviews", "host: reviewz"), "spec.http[0].route[0].destination.host", 'unknown host "reviewz"'],
      [reviews([100, 0, 0]).replace("networking.istio.io/v1", "networking.istio.io/v2"), "apiVersion", "networking.istio.io/v2"],
      ["kind: VirtualService\nspec: [unclosed", "", ""],
    ];
    for (const [yaml, path, message] of cases) {
      const err = await rejected(config.applyConfig({ yaml, expectedRevision: 2n }));
      expect(err.code).toBe(Code.InvalidArgument);
      const details = err.findDetails(ValidationErrorsSchema)[0]!.errors;
      if (path) expect(details.map((d) => `${d.path}: ${d.message}`).join("\n")).toContain(`${path}: `);
      if (message) expect(details.map((d) => d.message).join("\n")).toContain(message);
      else expect(details[0]!.line).toBeGreaterThan(0);
    }
    expect(await head()).toBe(2);
  });

  it("shows ERROR with the proxy's message for a config the proxies NACK, keeps serving, and recovers", async () => {
    // Valid Istio (a generated session cookie), but the engine cannot generate cookies: every proxy NACKs RDS.
    const cookie = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: session, ttl: 60s } } } }
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }, { name: v3, labels: { version: v3 } }]
`;
    await config.applyConfig({ yaml: cookie, expectedRevision: 2n, message: "sticky sessions" });
    const nacked = await eventually(async () => {
      const { proxies } = await mesh.listProxies({});
      const errors = proxies.flatMap((p) => p.sync.filter((s) => s.state === SyncState.ERROR));
      return errors.length > 0 && errors;
    }, "a NACK recorded", 10_000);
    expect(nacked[0]!.error).toContain("generated cookies (ttl) are not supported");
    for (let i = 0; i < 5; i++) expect(await version()).toBe("v2");
    await config.applyConfig({ yaml: cookie.replace(", ttl: 60s", ""), expectedRevision: 3n, message: "sticky sessions without ttl" });
    await eventually(async () => (await mesh.listProxies({})).proxies.every((p) => p.sync.every((s) => s.state === SyncState.SYNCED)), "SYNCED again", 10_000);
  });

  it("keeps history, diffs revisions and rolls back as a new revision", async () => {
    const { revisions } = await config.listRevisions({});
    expect(revisions.map((r) => Number(r.revision))).toEqual([4, 3, 2, 1]);
    expect(revisions[2]!.author).toBe("alice");
    const { diffs } = await config.diffRevisions({ from: 1n, to: 2n });
    expect(diffs.map((d) => [d.ref!.name, d.change])).toEqual([["reviews", ChangeKind.MODIFIED]]);
    expect(diffs[0]!.afterYaml).toContain("weight: 100");
    const { result } = await config.rollback({ to: 1n, expectedRevision: 4n, author: "bob" });
    expect(result!.revision).toMatchObject({ revision: 5n, rollbackOf: 1n, message: "rollback to revision 1" });
    await eventually(async () => {
      for (let i = 0; i < 20; i++) if ((await version()) !== "v2") return true;
      return false;
    }, "reviews traffic split again", 10_000);
    expect((await config.listConfigs({})).configs.find((c) => c.ref!.name === "reviews" && c.ref!.kind === "VirtualService")!.yaml).toContain("weight: 50");
  });

  it("registers services over RPC (ServiceEntry) and pushes EDS alone for an endpoint-only change", async () => {
    const registry = createClient(RegistryService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    const entry = (ip: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: payments, namespace: shop }
spec:
  hosts: [payments]
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  endpoints: [{ address: ${ip} }]
`;
    await registry.registerServices({ yaml: entry("127.0.0.2") });
    const { services } = await registry.listServices({});
    expect(services.find((s) => s.hostname === "payments.shop.svc.cluster.local")).toMatchObject({ source: "rpc", instances: [{ address: "127.0.0.2" }] });
    await server.runtime.controlPlane.idle();
    const before = server.runtime.controlPlane.ads.metrics().pushes;
    await registry.registerServices({ yaml: entry("127.0.0.3") });
    await eventually(() => server.runtime.controlPlane.ads.metrics().pushes.eds > before.eds, "an EDS push");
    await server.runtime.controlPlane.idle();
    const after = server.runtime.controlPlane.ads.metrics().pushes;
    expect([after.cds - before.cds, after.lds - before.lds, after.rds - before.rds]).toEqual([0, 0, 0]);
    const bad = await rejected(registry.registerServices({ yaml: entry("not-an-ip") }));
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(bad.rawMessage).toContain("spec.endpoints[0].address");
  });
});
