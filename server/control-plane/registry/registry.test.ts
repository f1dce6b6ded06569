// Tests the service registry's merge and change detection, ServiceEntry parsing with field paths, and the
// watched YAML source keeping its last good content when an edit breaks.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseServiceEntries } from "./service-entries";
import { createServiceRegistry } from "./service-registry";
import { startYamlFileSource, type YamlFileSource } from "./yaml-file-source";

const ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: payments, namespace: shop }
spec:
  hosts: [payments]
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints:
    - { address: 127.0.0.1, ports: { http: 18080 }, labels: { version: v1 }, locality: eu-west/a }
    - { address: 127.0.0.2, labels: { version: v2 }, weight: 3 }
`;

describe("service registry", () => {
  const svc = (name: string) => ({ name, namespace: "default", hostname: `${name}.default.svc.cluster.local`, ports: [{ name: "http", port: 80, protocol: "HTTP" as const }] });
  const inst = (name: string, address: string) => ({ service: `${name}.default.svc.cluster.local`, name: `${name}-0`, address, ports: {}, labels: {}, locality: { region: "", zone: "", subZone: "" }, healthy: true });

  it("merges sources and reports endpoint-only changes", () => {
    const r = createServiceRegistry();
    const seen: unknown[] = [];
    r.onChange((c) => seen.push(c));
    expect(r.setSource("demo", { services: [svc("a")], instances: [inst("a", "127.0.0.1")] })).toEqual({ services: true, endpoints: true });
    expect(r.setSource("demo", { services: [svc("a")], instances: [inst("a", "127.0.0.2")] })).toEqual({ services: false, endpoints: true });
    expect(r.setSource("demo", { services: [svc("a")], instances: [inst("a", "127.0.0.2")] })).toEqual({ services: false, endpoints: false });
    r.setSource("rpc", { services: [svc("b")], instances: [] });
    expect(r.services().map((s) => s.hostname)).toEqual(["a.default.svc.cluster.local", "b.default.svc.cluster.local"]);
    expect(r.instances("a.default.svc.cluster.local")[0]?.address).toBe("127.0.0.2");
    expect(seen).toHaveLength(3);
  });

  it("lets the first source own a hostname and ignores another source's instances for it", () => {
    const r = createServiceRegistry();
    r.setSource("demo", { services: [svc("a")], instances: [inst("a", "127.0.0.1")] });
    r.setSource("rpc", { services: [svc("a")], instances: [inst("a", "127.0.0.9")] });
    expect(r.sourceOf("a.default.svc.cluster.local")).toBe("demo");
    expect(r.instances("a.default.svc.cluster.local").map((i) => i.address)).toEqual(["127.0.0.1"]);
  });
});

describe("ServiceEntry parsing", () => {
  it("reads hosts, ports, endpoints, labels, locality and weights", () => {
    const { content, issues } = parseServiceEntries(ENTRY, "x.yaml");
    expect(issues).toEqual([]);
    expect(content.services).toEqual([{ name: "payments", namespace: "shop", hostname: "payments.shop.svc.cluster.local", ports: [{ name: "http", port: 8080, protocol: "HTTP" }] }]);
    expect(content.instances[0]).toMatchObject({ address: "127.0.0.1", ports: { 8080: 18080 }, labels: { version: "v1" }, locality: { region: "eu-west", zone: "a" } });
    expect(content.instances[1]).toMatchObject({ address: "127.0.0.2", ports: {}, weight: 3 });
  });

  it("names the document and field of every problem", () => {
    const bad = `${ENTRY}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: bad }
spec:
  hosts: [bad]
  ports: [{ number: 70000, name: http }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: worse }
spec:
  hosts: [worse]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  endpoints: [{ address: my-host.local }]
---
kind: Deployment
`;
    const { issues } = parseServiceEntries(bad, "x.yaml");
    expect(issues).toEqual([
      { path: "x.yaml#2 spec.ports[0].number", message: "must be a port number 1-65535" },
      { path: "x.yaml#3 spec.endpoints[0].address", message: '"my-host.local" must be an IP literal' },
      { path: "x.yaml#4 kind", message: '"Deployment" is not supported here; use kind: ServiceEntry' },
    ]);
    expect(parseServiceEntries("a: [1,", "y.yaml").issues[0]?.path).toBe("y.yaml#1");
  });
});

describe("watched YAML source", () => {
  let dir: string;
  let source: YamlFileSource | undefined;
  afterEach(() => {
    source?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies a folder, keeps the last good content on a broken edit, and picks up the fix", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "meshdash-registry-"));
    writeFileSync(path.join(dir, "payments.yaml"), ENTRY);
    const r = createServiceRegistry();
    source = await startYamlFileSource(r, dir);
    expect(r.instances("payments.shop.svc.cluster.local")).toHaveLength(2);
    writeFileSync(path.join(dir, "payments.yaml"), ENTRY.replace("127.0.0.2", "not-an-ip"));
    const issues = await source.reload();
    expect(issues[0]?.message).toContain("must be an IP literal");
    expect(r.instances("payments.shop.svc.cluster.local")).toHaveLength(2);
    // The watcher, not an explicit reload, picks up the fix.
    const changed = new Promise((resolve) => r.onChange(resolve));
    writeFileSync(path.join(dir, "payments.yaml"), ENTRY.replace("127.0.0.2", "127.0.0.3"));
    await changed;
    expect(source.lastIssues()).toEqual([]);
    expect(r.instances("payments.shop.svc.cluster.local").map((i) => i.address)).toEqual(["127.0.0.1", "127.0.0.3"]);
  });
});
