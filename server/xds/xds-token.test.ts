// The xDS server wants the access token when it has one (reachable beyond loopback): a proxy without it is
// refused with UNAUTHENTICATED and the reason, and gets no config; a proxy with it gets its config over ADS.

import { afterEach, describe, expect, it } from "vitest";
import { createControlPlane, type ControlPlane } from "../control-plane/control-plane";
import { createServiceRegistry } from "../control-plane/registry/service-registry";
import { openSqliteConfigStore } from "../control-plane/store/sqlite-config-store";
import { createXdsClient } from "../../proxy-engine";
import { startXdsProxy, type XdsProxy } from "../runtime/xds-proxy";
import { eventually } from "./xds-test-util";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function controlPlane(token: string): Promise<{ cp: ControlPlane; port: number }> {
  const store = openSqliteConfigStore({ path: ":memory:" });
  const cp = createControlPlane({ store, registry: createServiceRegistry(), xds: { host: "127.0.0.1", port: 0, token }, debounce: { afterMs: 10, maxMs: 100 }, log: () => {} });
  const address = await cp.start();
  cleanups.push(async () => {
    await cp.stop();
    store.close();
  });
  return { cp, port: Number(address.split(":").pop()) };
}

async function gateway(port: number, token?: string): Promise<XdsProxy> {
  const gw = await startXdsProxy({
    id: `router~127.0.0.1~gw-${token ?? "none"}.default~default.svc.cluster.local`,
    role: "gateway",
    cluster: "gw",
    metadata: { ROLE: "gateway", GATEWAY_PORT: "0", LISTEN_HOST: "127.0.0.1" },
    xds: { host: "127.0.0.1", port, token },
  });
  gw.proxy.logger.setLevel("all", "critical");
  cleanups.push(() => gw.stop(0));
  return gw;
}

describe("xDS access token", () => {
  it("refuses a proxy without the token and serves one with it", async () => {
    const { cp, port } = await controlPlane("t0ken");
    const applied: string[] = [];
    const without = createXdsClient({ target: { host: "127.0.0.1", port }, node: { id: "router~127.0.0.1~no-token.default~default.svc.cluster.local", cluster: "gw" }, apply: async (_r, v) => void applied.push(v) });
    without.start();
    cleanups.push(() => without.stop());
    const refused = await eventually(() => without.status().lastError, "the refusal");
    expect(refused).toContain("needs the access token");
    expect(without.status().ready).toBe(false);
    expect(applied).toEqual([]);
    const withToken = await gateway(port, "t0ken");
    await withToken.client.ready();
    expect(cp.ads.status().map((s) => s.node.id)).toEqual([expect.stringContaining("gw-t0ken")]);
  });
});
