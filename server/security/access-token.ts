// The access token that guards mutating RPCs once the dashboard is bound beyond loopback: generated on
// first start, stored with 0600 permissions in the data folder, and checked by a Connect interceptor.

import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { MUTATING_METHODS } from "./mutating-methods";
import { checkOrigin } from "./origin-check";


export function loadOrCreateToken(dataDir: string): { token: string; created: boolean; file: string } {
  const file = path.join(dataDir, "access-token");
  if (existsSync(file)) return { token: readFileSync(file, "utf8").trim(), created: false, file };
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString("hex");
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { token, created: true, file };
}

/** The interceptors every RPC goes through, in main.ts and in tests alike: Origin, then the token when exposed. */
export function rpcInterceptors(token: string | undefined): Interceptor[] {
  return [checkOrigin(), ...(token ? [requireTokenForMutations(token)] : [])];
}

export function requireTokenForMutations(token: string): Interceptor {
  const expected = Buffer.from(`Bearer ${token}`);
  return (next) => async (req) => {
    if (MUTATING_METHODS.has(req.method.name)) {
      const given = Buffer.from(req.header.get("authorization") ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ConnectError(
          `${req.method.name} changes the mesh and this server is reachable beyond loopback: send the access token printed at startup (stored in the data folder's access-token file) as "Authorization: Bearer <token>"`,
          Code.Unauthenticated,
        );
      }
    }
    return next(req);
  };
}
