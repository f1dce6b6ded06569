// Interop with an independent xDS client: @grpc/grpc-js-xds resolves xds:/// through this ADS server,
// makes real RPCs to a grpc-js server, ACKs (SYNCED for LDS/RDS/CDS/EDS), and NACKs LEAST_REQUEST.

import * as grpc from "@grpc/grpc-js";
import * as xds from "@grpc/grpc-js-xds";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Cluster_LbPolicy } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { createAdsServer, type AdsServer } from "./ads-server";
import { echoMesh } from "./grpc-xds-fixture";
import { eventually } from "./xds-test-util";
import { XDS_TYPES, type XdsType } from "./xds-types";

const raw = (b: Buffer) => b;
const echoService: grpc.ServiceDefinition = {
  echo: {
    path: "/test.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};
const EchoClient = grpc.makeGenericClientConstructor(echoService, "Echo");
const SERVICE_PORT = 7070;

let backend: grpc.Server | undefined;
let ads: AdsServer | undefined;
let client: grpc.Client | undefined;

beforeAll(() => xds.register());

afterEach(async () => {
  client?.close();
  client = undefined;
  backend?.forceShutdown();
  backend = undefined;
  await ads?.stop();
  ads = undefined;
});

function echo(c: grpc.Client, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    c.makeUnaryRequest("/test.Echo/Echo", raw, raw, Buffer.from(text), { deadline: Date.now() + 10_000 }, (err, res?: Buffer) =>
      err ? reject(err) : resolve(res?.toString() ?? ""),
    );
  });
}

describe("grpc-js-xds against the ADS server", () => {
  it("routes a real RPC, reaches SYNCED, then NACKs LEAST_REQUEST and keeps the last good config", async () => {
    backend = new grpc.Server();
    backend.addService(echoService, { echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request) });
    const backendPort = await new Promise<number>((resolve, reject) =>
      backend!.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port))),
    );
    const mesh = echoMesh(SERVICE_PORT, backendPort);
    ads = createAdsServer({ port: 0, generator: mesh, log: () => {} });
    const adsAddr = await ads.start();

    const bootstrap = {
      xds_servers: [{ server_uri: adsAddr, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] }],
      node: { id: "sidecar~127.0.0.1~echo-client.default~default.svc.cluster.local", cluster: "echo-client", locality: {}, metadata: { GENERATOR: "grpc" } },
    };
    client = new EchoClient(`xds:///${mesh.listenerName}`, grpc.credentials.createInsecure(), {
      "grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config": JSON.stringify(bootstrap),
    });
    expect(await echo(client, "hello")).toBe("hello");

    const synced = await eventually(() => {
      const p = ads!.status()[0];
      return p?.types.length === 4 && p.types.every((t) => t.state === "SYNCED") && p;
    }, "all four types SYNCED");
    expect(synced.kind).toBe("proxyless");
    expect(synced.types.map((t) => t.type)).toEqual(XDS_TYPES);

    mesh.lbPolicy = Cluster_LbPolicy.LEAST_REQUEST;
    const changedAt = Date.now();
    await ads.push({ types: new Set<XdsType>(["cluster"]), changedAt, reason: "lb policy" });
    const cds = await eventually(() => {
      const t = ads!.status()[0]?.types.find((x) => x.type === "cluster");
      return t?.state === "ERROR" && t;
    }, "CDS NACK");
    expect(cds.error).toMatch(/lb_policy/);
    expect(cds.ackedVersion).toBe(synced.types.find((t) => t.type === "cluster")!.ackedVersion);
    expect(ads.metrics().rejects.cds).toBe(1);
    expect(await echo(client, "still")).toBe("still");

    // Fixing the config converges again.
    mesh.lbPolicy = Cluster_LbPolicy.ROUND_ROBIN;
    await ads.push({ types: new Set<XdsType>(["cluster"]), changedAt: Date.now(), reason: "fix" });
    await eventually(() => ads!.status()[0]?.types.find((x) => x.type === "cluster")?.state === "SYNCED", "CDS SYNCED again");
    expect(ads.metrics().convergence.count).toBeGreaterThanOrEqual(1);
    expect(await echo(client, "again")).toBe("again");
  });
});
