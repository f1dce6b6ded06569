// The runtime is built once per process even when started from several module instances, and a bad
// user bootstrap fails the start with a precise message instead of half-starting, and a started demo mesh has
// converged (every route's cluster live with endpoints).

import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { currentRuntime, startRuntime } from "./runtime";
import { runtimeOptionsFromEnv } from "./runtime-options";
import type { RouteAction } from "../../proxy-engine/router/route-table";
import { testRuntimeOptions } from "../test-util/runtime-options";

const clustersOf = (a: RouteAction): string[] => (a.kind !== "forward" ? [] : a.target.kind === "cluster" ? [a.target.name] : a.target.kind === "weighted" ? a.target.clusters.map((c) => c.name) : []);

describe("runtime", () => {
  it("is built exactly once, however many callers start it", async () => {
    const [a, b] = await Promise.all([startRuntime(testRuntimeOptions()), startRuntime(testRuntimeOptions())]);
    expect(a).toBe(b);
    expect(await currentRuntime()).toBe(a);
    // The ingress gateway and one sidecar per demo workload, all configured over xDS.
    expect(a.proxies).toHaveLength(10);
    // Started means converged: every proxy ACKed every type, and every cluster a route names is live
    // with its endpoints (no proxy starts from an empty context, and no route precedes its cluster).
    expect(a.controlPlane.ads.status().flatMap((p) => p.types.filter((t) => t.state !== "SYNCED").map((t) => `${p.node.id} ${t.type}`))).toEqual([]);
    for (const p of a.proxies) {
      const config = p.config();
      expect(config.clusters.size, p.id).toBeGreaterThan(0);
      for (const l of config.listeners) {
        if (l.kind !== "http") continue;
        const table = l.hcm.routeTable!;
        const named = [...table.exact.values(), ...(table.wildcard ? [table.wildcard] : [])].flatMap((vh) => vh.routes.flatMap((r) => clustersOf(r.action)));
        expect(named.length, `${p.id} ${l.name}`).toBeGreaterThan(0);
        for (const name of named) expect(config.clusters.get(name)?.endpoints.length ?? 0, `${p.id}: ${name}`).toBeGreaterThan(0);
      }
    }
    await a.stop(100);
    expect(currentRuntime()).toBeUndefined();
  });

  it("serves a user's YAML bootstrap instead of the demo, and rejects an invalid one with the field path", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "meshdash-bootstrap-"));
    const good = path.join(dir, "good.yaml");
    writeFileSync(
      good,
      `node: { id: my-gateway }
static_resources:
  listeners:
    - name: web
      address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: web
                route_config:
                  name: web
                  virtual_hosts: [{ name: all, domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: app } }] }]
                http_filters:
                  - name: envoy.filters.http.router
                    typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:
    - name: app
      connect_timeout: 0.5s
      load_assignment: { cluster_name: app, endpoints: [{ lb_endpoints: [] }] }
`,
    );
    const rt = await startRuntime(testRuntimeOptions({ bootstrapFile: good }));
    expect(rt.proxies[0]!.id).toBe("my-gateway");
    const res = await fetch(`http://${rt.ingressAddress()}/x`);
    expect(res.status).toBe(503);
    await rt.stop(100);

    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "static_resources:\n  listeners: []\n  clusters:\n    - name: ''\n      load_assignment: { endpoints: [] }\n");
    await expect(startRuntime(testRuntimeOptions({ bootstrapFile: bad }))).rejects.toThrow("static_resources.clusters[0].name: is required");
    const typo = path.join(dir, "typo.yaml");
    writeFileSync(typo, "static_resources:\n  clusters:\n    - name: x\n      conect_timeout: 1s\n");
    await expect(startRuntime(testRuntimeOptions({ bootstrapFile: typo }))).rejects.toThrow(/typo\.yaml: .*conect_timeout/);
    expect(currentRuntime()).toBeUndefined();
  });

  it("keeps the config store across restarts: revisions survive and the demo rules are not seeded twice", async () => {
    const opts = testRuntimeOptions();
    const first = await startRuntime(opts);
    const store = first.controlPlane.store;
    expect(store.head()).toBe(1);
    const ratings = store.list().find((c) => c.kind === "VirtualService" && c.name === "ratings")!;
    store.commit({ expectedRevision: 1, author: "test", message: "no retries", changes: [{ op: "put", kind: "VirtualService", namespace: "default", name: "ratings", spec: { ...(ratings.spec as object), http: [{ route: [{ destination: { host: "ratings" } }] }] } }] });
    await first.stop(100);
    const second = await startRuntime(opts);
    expect(second.controlPlane.store.head()).toBe(2);
    expect(second.controlPlane.store.revision(2)?.message).toBe("no retries");
    await second.stop(100);
  });

  it("reads ports from the environment and rejects nonsense", () => {
    expect(runtimeOptionsFromEnv({ INGRESS_PORT: "0", ADMIN_PORT: "15001" })).toMatchObject({ ingressPort: 0, adminPort: 15001 });
    expect(() => runtimeOptionsFromEnv({ INGRESS_PORT: "80a" })).toThrow("INGRESS_PORT=80a is not a port number");
    expect(runtimeOptionsFromEnv({ REDACT_HEADERS: "x-tenant-key, X-Session ," }).redactHeaders).toEqual(["x-tenant-key", "X-Session"]);
    expect(() => runtimeOptionsFromEnv({ REDACT_HEADERS: "x-ok,bad header" })).toThrow('REDACT_HEADERS: "bad header" is not a header name');
  });
});
