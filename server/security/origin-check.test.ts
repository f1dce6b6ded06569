// A page on another origin cannot change the mesh or start a tap through a user's browser; the dashboard's
// own pages and clients that send no Origin (CLIs, gRPC) can. Real HTTP/1.1 requests, as a browser sends.

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport } from "@connectrpc/connect-node";
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { rpcInterceptors } from "./access-token";

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe("origin check", () => {
  it("refuses a mutation from a foreign page with PermissionDenied and the reason, and allows same-origin, no-Origin and reads", async () => {
    const handler = connectNodeAdapter({
      interceptors: rpcInterceptors(undefined),
      routes: (r) => r.service(RegistryService, { listServices: () => ({ services: [] }), registerServices: () => ({ hostnames: ["x"] }) }),
    });
    server = http.createServer(handler);
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
    const client = createClient(RegistryService, createConnectTransport({ baseUrl: `http://${host}`, httpVersion: "1.1" }));

    const foreign = await client.registerServices({ yaml: "" }, { headers: { origin: "http://evil.example" } }).catch((e: unknown) => ConnectError.from(e));
    expect(foreign).toBeInstanceOf(ConnectError);
    expect((foreign as ConnectError).code).toBe(Code.PermissionDenied);
    expect((foreign as ConnectError).rawMessage).toBe(`RegisterServices refused: the request comes from a page at http://evil.example, not from this dashboard (${host})`);
    const garbage = await client.registerServices({ yaml: "" }, { headers: { origin: "null" } }).catch((e: unknown) => ConnectError.from(e));
    expect((garbage as ConnectError).code).toBe(Code.PermissionDenied);

    expect((await client.registerServices({ yaml: "" }, { headers: { origin: `http://${host}` } })).hostnames).toEqual(["x"]);
    expect((await client.registerServices({ yaml: "" })).hostnames).toEqual(["x"]);
    expect((await client.listServices({}, { headers: { origin: "http://evil.example" } })).services).toEqual([]);
  });
});
