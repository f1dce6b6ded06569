// Network filters on a real listener: connection_limit holds the open-connection count at its maximum and
// closes extras; local_ratelimit closes connections beyond its token bucket; both count what they refused.

import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { bootstrapFromJson } from "../../config/resources";
import { createProxy, type Proxy } from "../../proxy";
import { singleListenerBootstrap, staticClusterJson, startUpstream } from "../../test-util/upstream";

let proxy: Proxy | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await proxy?.stop(50);
  while (closers.length) await closers.pop()!();
});

async function listenerWith(networkFilters: object[]): Promise<number> {
  const up = await startUpstream("a");
  closers.push(up.close);
  const routes = [{ match: { prefix: "/" }, route: { cluster: "a" } }];
  proxy = createProxy({ id: "t", role: "gateway", bootstrap: singleListenerBootstrap({ routes, networkFilters }, [staticClusterJson("a", [up.port])]) });
  await proxy.start();
  return Number(proxy.listeners()[0]!.address.split(":")[1]);
}

/** Opens a connection and reports whether it served one request. */
function served(port: number, keepOpen: net.Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    s.on("data", (d) => {
      keepOpen.push(s);
      resolve(d.toString().startsWith("HTTP/1.1 200"));
    });
    s.on("error", () => resolve(false));
    s.on("close", () => resolve(false));
  });
}

describe("network filters", () => {
  it("connection_limit closes connections beyond max_connections and admits again when one closes", async () => {
    const port = await listenerWith([{ name: "envoy.filters.network.connection_limit", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit", stat_prefix: "cl", max_connections: 2 } }]);
    const open: net.Socket[] = [];
    expect(await served(port, open)).toBe(true);
    expect(await served(port, open)).toBe(true);
    expect(await served(port, open)).toBe(false);
    expect(proxy!.stats.counter("connection_limit.cl.limited_connections").value).toBe(1);
    open[0]!.destroy();
    while (proxy!.stats.gauge("connection_limit.cl.active_connections").value > 1) await new Promise((r) => setTimeout(r, 5));
    expect(await served(port, open)).toBe(true);
    for (const s of open) s.destroy();
    expect(proxy!.stats.counter("listener.l.downstream_cx_total").value).toBe(4);
  });

  it("local_ratelimit closes connections beyond the token bucket", async () => {
    const port = await listenerWith([
      { name: "envoy.filters.network.local_ratelimit", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit", stat_prefix: "rl", token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: "60s" } } },
    ]);
    const open: net.Socket[] = [];
    const results = [await served(port, open), await served(port, open), await served(port, open)];
    expect(results).toEqual([true, true, false]);
    expect(proxy!.stats.counter("rl.local_ratelimit.rate_limited").value).toBe(1);
    for (const s of open) s.destroy();
  });

  it("refuses unknown network filters by name", () => {
    expect(() =>
      createProxy({
        id: "t",
        role: "gateway",
        bootstrap: bootstrapFromJson({
          static_resources: {
            listeners: [
              {
                name: "l",
                address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
                filter_chains: [{ filters: [{ name: "envoy.filters.network.rbac" }, { name: "tcp", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix: "t", cluster: "a" } }] }],
              },
            ],
            clusters: [staticClusterJson("a", [1])],
          },
        }),
      }),
    ).toThrow('static_resources.listeners[0].filter_chains[0].filters[0]: network filter "envoy.filters.network.rbac" is not supported');
  });
});
