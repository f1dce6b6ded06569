// Last good config across a control-plane restart: an engine gateway configured over ADS keeps serving
// every request while the control plane is down, reconnects when a new control plane (same durable store,
// same port) comes up, and ends SYNCED on it with no revision lost.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startXdsProxy, type XdsProxy } from "../runtime/xds-proxy";
import { eventually } from "../xds/xds-test-util";
import { applyConfigYaml } from "./changes/config-changes";
import { createControlPlane, type ControlPlane } from "./control-plane";
import { createServiceRegistry, type MutableServiceRegistry } from "./registry/service-registry";
import { openSqliteConfigStore } from "./store/sqlite-config-store";

const HOST = "web.default.svc.cluster.local";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function registryWith(port: number): MutableServiceRegistry {
  const r = createServiceRegistry();
  r.setSource("test", {
    services: [{ name: "web", namespace: "default", hostname: HOST, ports: [{ name: "http", port: 80, protocol: "HTTP" }] }],
    instances: [{ service: HOST, name: "web-0", address: "127.0.0.1", ports: { 80: port }, labels: {}, locality: { region: "", zone: "", subZone: "" }, healthy: true }],
  });
  return r;
}

function controlPlane(dbPath: string, registry: MutableServiceRegistry, port: number): ControlPlane {
  const store = openSqliteConfigStore({ path: dbPath });
  const cp = createControlPlane({ store, registry, xds: { host: "127.0.0.1", port }, debounce: { afterMs: 10, maxMs: 500 }, log: () => {} });
  return cp;
}

describe("control plane restart", () => {
  it("proxies serve on their last good config while it is down and resync after it returns", async () => {
    const upstream = http.createServer((_req, res) => res.end("hello"));
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => upstream.close(() => r())));
    const registry = registryWith((upstream.address() as AddressInfo).port);
    const db = path.join(mkdtempSync(path.join(tmpdir(), "meshdash-restart-")), "config.db");

    let cp = controlPlane(db, registry, 0);
    await applyConfigYaml(cp, {
      yaml: "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: web }\nspec:\n  hosts: ['*']\n  gateways: [gw]\n  http: [{ route: [{ destination: { host: web } }] }]\n",
      expectedRevision: 0,
      author: "test",
      message: "gateway route",
      dryRun: false,
    });
    const address = await cp.start();
    const port = Number(address.split(":")[1]);
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await cp.stop();
      cp.store.close();
    });

    const gw: XdsProxy = await startXdsProxy({
      id: "router~127.0.0.1~gw.default~default.svc.cluster.local",
      role: "gateway",
      cluster: "gw",
      metadata: { ROLE: "gateway", GATEWAY_PORT: "0", LISTEN_HOST: "127.0.0.1" },
      xds: { host: "127.0.0.1", port },
    });
    cleanups.push(() => gw.stop(0));
    const url = `http://${gw.proxy.listeners()[0]!.address}/`;
    await eventually(async () => (await fetch(url)).status === 200, "gateway routes to web");

    // Control plane down: every request still succeeds on the last good config.
    await cp.stop();
    stopped = true;
    cp.store.close();
    await eventually(() => !gw.client.status().connected, "client notices the control plane is gone");
    let failed = 0;
    for (let i = 0; i < 50; i++) if ((await fetch(url)).status !== 200) failed++;
    expect(failed).toBe(0);

    // A new control plane on the same port with the same store: nothing lost, the proxy resyncs.
    cp = controlPlane(db, registry, port);
    stopped = false;
    expect(cp.store.head()).toBe(1);
    await cp.start();
    const synced = await eventually(() => {
      const s = cp.ads.status().find((p) => p.node.id.startsWith("router~"));
      return s && s.types.length === 4 && s.types.every((t) => t.state === "SYNCED") && s;
    }, "the gateway SYNCED on the new control plane", 15_000);
    expect(synced.kind).toBe("gateway");
    expect(gw.client.status().reconnects).toBeGreaterThanOrEqual(1);
    expect((await fetch(url)).status).toBe(200);
  });
});
