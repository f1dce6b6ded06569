// DNS clusters: unit tests of the resolution loop with a fake lookup, and a real STRICT_DNS cluster
// (localhost, resolved by the OS) serving traffic through the proxy.

import { describe, expect, it } from "vitest";
import { createProxy } from "../proxy";
import { cleanupAfterEach } from "../test-util/cleanup";
import { singleListenerBootstrap, startUpstream } from "../test-util/upstream";
import { startDnsResolution } from "./dns-resolver";

const cleanup = cleanupAfterEach();

describe("DNS resolution", () => {
  it("keeps every address for STRICT_DNS, the first for LOGICAL_DNS, and the last good answer on failure", async () => {
    let answer: string[] | Error = ["10.0.0.1", "10.0.0.2"];
    const lookup = async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    };
    const seen: string[][] = [];
    const errors: string[] = [];
    const strict = startDnsResolution([{ hostname: "svc", meta: 80 }], "strict", 20, (r) => seen.push(r.map((x) => `${x.address}:${x.meta}`)), (h) => errors.push(h), lookup);
    await strict.warm;
    expect(seen[0]).toEqual(["10.0.0.1:80", "10.0.0.2:80"]);
    answer = new Error("SERVFAIL");
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toContain("svc");
    expect(seen.at(-1)).toEqual(["10.0.0.1:80", "10.0.0.2:80"]);
    strict.dispose();
    answer = ["10.0.0.9", "10.0.0.8"];
    const logical: string[][] = [];
    const l = startDnsResolution([{ hostname: "svc", meta: 80 }], "logical", 1000, (r) => logical.push(r.map((x) => x.address)), () => {}, lookup);
    await l.warm;
    l.dispose();
    expect(logical[0]).toEqual(["10.0.0.9"]);
  });

  it("routes through a STRICT_DNS cluster resolved by the system resolver", async () => {
    const up = await startUpstream("dns");
    cleanup(up.close);
    const cluster = {
      name: "d",
      type: "STRICT_DNS",
      dns_refresh_rate: "1s",
      load_assignment: { cluster_name: "d", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "localhost", port_value: up.port } } } }] }] },
    };
    const proxy = createProxy({ id: "t", role: "gateway", bootstrap: singleListenerBootstrap({ routes: [{ match: { prefix: "/" }, route: { cluster: "d" } }] }, [cluster]) });
    await proxy.start();
    cleanup(() => proxy.stop(50));
    const c = proxy.config().clusters.get("d")!;
    expect(c.endpoints.length).toBeGreaterThan(0);
    expect(c.type).toBe("STRICT_DNS");
    // localhost may resolve to ::1 as well as 127.0.0.1; the upstream listens on 127.0.0.1 only, so a
    // refused ::1 fails over to it.
    const r = await fetch(`http://${proxy.listeners()[0]!.address}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("dns GET /");
  });
});
