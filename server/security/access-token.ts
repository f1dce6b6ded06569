// The access token that guards the dashboard once it is reachable beyond loopback: generated on first start,
// stored with 0600 permissions in the data folder, printed once. Every RPC then needs it (a Connect
// interceptor: "Authorization: Bearer <token>", or the login cookie a browser got from the link printed at
// startup), and so do the pages (the page gate below) and /metrics. The admin APIs and the xDS server check it
// too when the proxies are exposed (proxy-engine/admin/bearer-token.ts).

import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { bearerMatches, constantTimeEqual } from "../../proxy-engine";
import { MUTATING_METHODS } from "./mutating-methods";
import { checkOrigin } from "./origin-check";

export const TOKEN_COOKIE = "meshdash-token";

export function loadOrCreateToken(dataDir: string): { token: string; created: boolean; file: string } {
  const file = path.join(dataDir, "access-token");
  if (existsSync(file)) return { token: readFileSync(file, "utf8").trim(), created: false, file };
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString("hex");
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { token, created: true, file };
}

function cookieToken(cookie: string | null | undefined): string | undefined {
  for (const part of (cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === TOKEN_COOKIE) return value.join("=");
  }
  return undefined;
}

/** The request carries the token: as a bearer token (CLIs, gRPC, Prometheus) or the login cookie (browsers). */
export function hasToken(authorization: string | null | undefined, cookie: string | null | undefined, token: string): boolean {
  if (bearerMatches(authorization, token)) return true;
  const c = cookieToken(cookie);
  return c !== undefined && constantTimeEqual(c, token);
}

/** The interceptors every RPC goes through, in main.ts and in tests alike: Origin, then the token when exposed. */
export function rpcInterceptors(token: string | undefined): Interceptor[] {
  return [checkOrigin(), ...(token ? [requireToken(token)] : [])];
}

/** Every RPC needs the token; a mutation's refusal says that it changes the mesh. */
export function requireToken(token: string): Interceptor {
  return (next) => async (req) => {
    if (!hasToken(req.header.get("authorization"), req.header.get("cookie"), token)) {
      const what = MUTATING_METHODS.has(req.method.name) ? `${req.method.name} changes the mesh, and this` : `${req.method.name}: this`;
      throw new ConnectError(
        `${what} server is reachable beyond loopback, so it needs the access token printed at startup (stored in the data folder's access-token file): open the dashboard with its ?token= link, or send "Authorization: Bearer <token>"`,
        Code.Unauthenticated,
      );
    }
    return next(req);
  };
}

/**
 * For page and /metrics requests when the dashboard is exposed: true when it answered the request itself
 * (a login from the printed link, which sets an HttpOnly SameSite=Strict cookie and redirects to the same
 * page without the token; or a 401 page saying how to get in), false when the request may go on.
 */
export function pageGate(req: IncomingMessage, res: ServerResponse, token: string): boolean {
  if (hasToken(req.headers.authorization, req.headers.cookie, token)) return false;
  const url = new URL(req.url ?? "/", "http://dashboard");
  const given = url.searchParams.get("token");
  if (given !== null && constantTimeEqual(given, token)) {
    url.searchParams.delete("token");
    res.writeHead(303, { location: `${url.pathname}${url.search}`, "set-cookie": `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, "cache-control": "no-store" });
    res.end();
    return true;
  }
  res.writeHead(401, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>meshdash: access token needed</title><body style="font-family:system-ui;max-width:40rem;margin:4rem auto">` +
      `<h1>Access token needed</h1><p>This dashboard is reachable beyond loopback, so it asks for the access token printed when it started ` +
      `(also stored in the data folder's <code>access-token</code> file, readable only by its owner).</p>` +
      `<p>Open the link printed at startup, or add <code>?token=&lt;token&gt;</code> to this address.</p></body>`,
  );
  return true;
}
