// Interop through the whole control plane: @grpc/grpc-js-xds (a real xDS client we did not write) asks
// LDS for host:port, gets the api_listener the generator builds from Istio rules in the config store,
// and routes real gRPC calls by them. A weight change takes effect; a DestinationRule it cannot accept
// (LEAST_REQUEST) is NACKed, recorded as ERROR with its text, and calls keep flowing.

import * as grpc from "@grpc/grpc-js";
import * as xds from "@grpc/grpc-js-xds";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../xds/xds-test-util";
import { applyConfigYaml } from "./changes/config-changes";
import { createControlPlane, type ControlPlane } from "./control-plane";
import { createServiceRegistry } from "./registry/service-registry";
import { openSqliteConfigStore } from "./store/sqlite-config-store";

const raw = (b: Buffer) => b;
const METHOD = "/greeter.Greeter/Hello";
const greeterService: grpc.ServiceDefinition = {
  hello: { path: METHOD, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
};
const Client = grpc.makeGenericClientConstructor(greeterService, "Greeter");
const HOST = "greeter.default.svc.cluster.local";

const servers: grpc.Server[] = [];
let client: grpc.Client | undefined;
let cp: ControlPlane | undefined;

beforeAll(() => xds.register());
afterEach(async () => {
  client?.close();
  client = undefined;
  for (const s of servers.splice(0)) s.forceShutdown();
  await cp?.stop();
  cp?.store.close();
  cp = undefined;
});

async function backend(version: string): Promise<number> {
  const s = new grpc.Server();
  s.addService(greeterService, { hello: (_c: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(version)) });
  servers.push(s);
  return new Promise((resolve, reject) => s.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
}

const hello = (c: grpc.Client) =>
  new Promise<string>((resolve, reject) =>
    c.makeUnaryRequest(METHOD, raw, raw, Buffer.from("hi"), { deadline: Date.now() + 10_000 }, (err, res?: Buffer) => (err ? reject(err) : resolve(res?.toString() ?? ""))),
  );

const rules = (v1: number, lb = "ROUND_ROBIN") => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: greeter }
spec:
  host: greeter
  trafficPolicy: { loadBalancer: { simple: ${lb} } }
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: greeter }
spec:
  hosts: [greeter]
  http:
    - route:
        - { destination: { host: greeter, subset: v1 }, weight: ${v1} }
        - { destination: { host: greeter, subset: v2 }, weight: ${100 - v1} }
`;

describe("grpc-js-xds driven by the control plane", () => {
  it("routes by VirtualService weights, follows a weight change, and records a NACK while calls keep working", async () => {
    const [p1, p2] = [await backend("v1"), await backend("v2")];
    const registry = createServiceRegistry();
    const locality = { region: "r", zone: "z", subZone: "" };
    registry.setSource("test", {
      services: [{ name: "greeter", namespace: "default", hostname: HOST, ports: [{ name: "grpc", port: 50051, protocol: "GRPC" }] }],
      instances: [
        { service: HOST, name: "greeter-v1", address: "127.0.0.1", ports: { 50051: p1 }, labels: { version: "v1" }, locality, healthy: true },
        { service: HOST, name: "greeter-v2", address: "127.0.0.1", ports: { 50051: p2 }, labels: { version: "v2" }, locality, healthy: true },
      ],
    });
    const store = openSqliteConfigStore({ path: path.join(mkdtempSync(path.join(tmpdir(), "meshdash-interop-")), "config.db") });
    cp = createControlPlane({ store, registry, xds: { host: "127.0.0.1", port: 0 }, debounce: { afterMs: 10, maxMs: 1000 }, log: () => {} });
    const write = (yaml: string) => applyConfigYaml(cp!, { yaml, expectedRevision: store.head(), author: "test", message: "", dryRun: false });
    await write(rules(100));
    const addr = await cp.start();

    const bootstrap = {
      xds_servers: [{ server_uri: addr, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] }],
      node: { id: "greeter-client", cluster: "clients", locality: {}, metadata: { GENERATOR: "grpc" } },
    };
    client = new Client(`xds:///${HOST}:50051`, grpc.credentials.createInsecure(), { "grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config": JSON.stringify(bootstrap) });
    for (let i = 0; i < 10; i++) expect(await hello(client)).toBe("v1");
    const proxy = await eventually(() => {
      const s = cp!.ads.status().find((p) => p.node.id === "greeter-client");
      return s?.types.length === 4 && s.types.every((t) => t.state === "SYNCED") && s;
    }, "proxyless client SYNCED on all four types");
    expect(proxy.kind).toBe("proxyless");

    // Weight change: 0/100. The client converges to v2 and stays there.
    await write(rules(0));
    const deadline = Date.now() + 10_000;
    while ((await hello(client)) !== "v2") if (Date.now() > deadline) throw new Error("calls never reached v2 after the weight change");
    for (let i = 0; i < 10; i++) expect(await hello(client)).toBe("v2");

    // A rule that passes our validation but that gRPC refuses: LEAST_REQUEST.
    await write(rules(0, "LEAST_REQUEST"));
    const cds = await eventually(() => {
      const t = cp!.ads.status().find((p) => p.node.id === "greeter-client")?.types.find((x) => x.type === "cluster");
      return t?.state === "ERROR" && t;
    }, "CDS NACKed");
    expect(cds.error).toContain("LEAST_REQUEST");
    for (let i = 0; i < 5; i++) expect(await hello(client)).toBe("v2");

    // Fixing it converges again.
    await write(rules(0, "ROUND_ROBIN"));
    await eventually(() => cp!.ads.status().find((p) => p.node.id === "greeter-client")?.types.every((t) => t.state === "SYNCED"), "SYNCED after the fix");
  });
});
