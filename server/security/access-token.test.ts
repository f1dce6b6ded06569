// The access token is created once with 0600 permissions and mutating RPCs without it are refused.

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport } from "@connectrpc/connect-node";
import { mkdtempSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { loadOrCreateToken, requireTokenForMutations } from "./access-token";

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe("access token", () => {
  it("is generated once, stored 0600, and read back on the next start", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "meshdash-token-")), "data");
    const a = loadOrCreateToken(dir);
    expect(a.created).toBe(true);
    expect(a.token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(a.file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(dir)).toMatchObject({ token: a.token, created: false });
  });

  it("refuses mutating RPCs without the token, with a message saying what to send, and lets reads through", async () => {
    const handler = connectNodeAdapter({
      interceptors: [requireTokenForMutations("s3cret")],
      routes: (r) => r.service(RegistryService, { listServices: () => ({ services: [] }), registerServices: () => ({ hostnames: ["x"] }) }),
    });
    server = http.createServer(handler);
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const open = createClient(RegistryService, createConnectTransport({ baseUrl, httpVersion: "1.1" }));
    expect((await open.listServices({})).services).toEqual([]);
    const err = await open.registerServices({ yaml: "" }).catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
    expect((err as ConnectError).rawMessage).toContain("Authorization: Bearer <token>");
    const wrong = await open.registerServices({ yaml: "" }, { headers: { authorization: "Bearer nope" } }).catch((e: unknown) => ConnectError.from(e));
    expect((wrong as ConnectError).code).toBe(Code.Unauthenticated);
    expect((await open.registerServices({ yaml: "" }, { headers: { authorization: "Bearer s3cret" } })).hostnames).toEqual(["x"]);
  });
});
