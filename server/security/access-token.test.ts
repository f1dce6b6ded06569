// The access token is created once with 0600 permissions; without it, RPCs and pages are refused with a
// message saying how to get in.

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport } from "@connectrpc/connect-node";
import { mkdtempSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { loadOrCreateToken, pageGate, requireToken, TOKEN_COOKIE } from "./access-token";

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

  it("refuses every RPC without the token, says what to send, and accepts a bearer token or the login cookie", async () => {
    const handler = connectNodeAdapter({
      interceptors: [requireToken("s3cret")],
      routes: (r) => r.service(RegistryService, { listServices: () => ({ services: [] }), registerServices: () => ({ hostnames: ["x"] }) }),
    });
    server = http.createServer(handler);
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const open = createClient(RegistryService, createConnectTransport({ baseUrl, httpVersion: "1.1" }));
    const read = await open.listServices({}).catch((e: unknown) => ConnectError.from(e));
    expect((read as ConnectError).code).toBe(Code.Unauthenticated);
    const err = await open.registerServices({ yaml: "" }).catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
    expect((err as ConnectError).rawMessage).toContain("RegisterServices changes the mesh");
    expect((err as ConnectError).rawMessage).toContain("Authorization: Bearer <token>");
    const wrong = await open.registerServices({ yaml: "" }, { headers: { authorization: "Bearer nope" } }).catch((e: unknown) => ConnectError.from(e));
    expect((wrong as ConnectError).code).toBe(Code.Unauthenticated);
    expect((await open.registerServices({ yaml: "" }, { headers: { authorization: "Bearer s3cret" } })).hostnames).toEqual(["x"]);
    expect((await open.listServices({}, { headers: { cookie: `a=b; ${TOKEN_COOKIE}=s3cret` } })).services).toEqual([]);
    const badCookie = await open.listServices({}, { headers: { cookie: `${TOKEN_COOKIE}=nope` } }).catch((e: unknown) => ConnectError.from(e));
    expect((badCookie as ConnectError).code).toBe(Code.Unauthenticated);
  });

  it("gates pages: 401 with how to get in, a ?token= link signs in with an HttpOnly cookie and redirects without the token", async () => {
    server = http.createServer((req, res) => {
      if (pageGate(req, res, "s3cret")) return;
      res.end("page");
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const denied = await fetch(`${base}/tap`);
    expect(denied.status).toBe(401);
    expect(await denied.text()).toContain("?token=");
    expect((await fetch(`${base}/tap?token=nope`)).status).toBe(401);
    const login = await fetch(`${base}/tap?x=1&token=s3cret`, { redirect: "manual" });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/tap?x=1");
    const cookie = login.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^meshdash-token=s3cret; HttpOnly; SameSite=Strict; Path=\/$/);
    const page = await fetch(`${base}/tap?x=1`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(await page.text()).toBe("page");
    expect(await (await fetch(`${base}/metrics`, { headers: { authorization: "Bearer s3cret" } })).text()).toBe("page");
  });
});
