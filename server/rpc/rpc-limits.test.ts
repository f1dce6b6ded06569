// Every RPC service refuses an oversized message (more than the server's 1 MiB read limit) with
// ResourceExhausted before any handler runs, and enum values the server does not know with InvalidArgument
// naming the field. Real Connect requests (binary, HTTP/1.1, as browsers send them) to the real server, all
// on one client: a refused oversized request must not wedge the keep-alive connection for the next call.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterService } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { ConfigService } from "../../proto/gen/meshdash/config/v1/config_pb";
import { MeshService } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { PolicyService } from "../../proto/gen/meshdash/policy/v1/policy_pb";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { RouteService } from "../../proto/gen/meshdash/route/v1/route_pb";
import { ObserveRequestSchema, TapService, type ProxyDirection, type Scheme } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { startTestServer, type TestServer } from "../test-util/test-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const BIG = "x".repeat(1.5 * 1024 * 1024);

async function refusal(call: () => Promise<unknown>): Promise<ConnectError> {
  try {
    await call();
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("the call succeeded");
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) break;
}

describe("RPC limits", () => {
  it("refuses an oversized message on every service with ResourceExhausted", async () => {
    const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" });
    const calls: [string, () => Promise<unknown>][] = [
      ["ClusterService.GetCluster", () => createClient(ClusterService, transport).getCluster({ proxy: BIG, name: "x" })],
      ["ConfigService.ApplyConfig", () => createClient(ConfigService, transport).applyConfig({ yaml: BIG })],
      ["MeshService.GetConfigDump", () => createClient(MeshService, transport).getConfigDump({ proxyId: BIG })],
      ["PolicyService.GetPolicyStatus", () => createClient(PolicyService, transport).getPolicyStatus({ proxy: BIG })],
      ["RegistryService.RegisterServices", () => createClient(RegistryService, transport).registerServices({ yaml: BIG })],
      ["RouteService.GetRouteTree", () => createClient(RouteService, transport).getRouteTree({ proxy: BIG })],
      ["TapService.Observe", () => drain(createClient(TapService, transport).observe({ limit: 1, match: { match: { case: "http", value: { match: { case: "method", value: BIG } } } } }))],
    ];
    for (const [name, call] of calls) {
      const err = await refusal(call);
      expect(`${name}: ${Code[err.code]}`).toBe(`${name}: ResourceExhausted`);
      expect(err.rawMessage).toMatch(/message size.* is larger than configured readMaxBytes 1048576/);
    }
    // The server is fine afterwards.
    expect((await createClient(MeshService, transport).listProxies({})).proxies.length).toBeGreaterThan(0);
  });

  it("refuses enum values it does not know with InvalidArgument naming the field", async () => {
    const tap = createClient(TapService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    const direction = await refusal(() => drain(tap.observe(create(ObserveRequestSchema, { limit: 1, scope: { direction: 42 as ProxyDirection } }))));
    expect([Code[direction.code], direction.rawMessage]).toEqual(["InvalidArgument", "scope.direction: unknown direction 42"]);
    const scheme = await refusal(() => drain(tap.observe(create(ObserveRequestSchema, { limit: 1, match: { match: { case: "http", value: { match: { case: "scheme", value: 7 as Scheme } } } } }))));
    expect([Code[scheme.code], scheme.rawMessage]).toEqual(["InvalidArgument", "match.http.scheme: must be HTTP or HTTPS, got 7"]);
  });
});
