// Browser requests that change the mesh (config writes, registry writes, taps) must come from the dashboard's
// own pages: when a request carries an Origin header, its host must be the host the request was sent to.
// A page elsewhere (a CSRF attempt through a user's browser) gets PermissionDenied with the reason. CLIs and
// gRPC clients send no Origin and are not affected; the access token guards them (access-token.ts).

import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { MUTATING_METHODS } from "./mutating-methods";

/** Methods a foreign page must not call: every mutation, and starting a tap (it reads live traffic). */
const GUARDED = new Set([...MUTATING_METHODS, "Observe"]);

export function checkOrigin(): Interceptor {
  return (next) => async (req) => {
    const origin = req.header.get("origin");
    if (origin !== null && GUARDED.has(req.method.name)) {
      const host = req.header.get("host");
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      if (!host || originHost !== host) {
        throw new ConnectError(`${req.method.name} refused: the request comes from a page at ${origin}, not from this dashboard (${host ?? "no Host header"})`, Code.PermissionDenied);
      }
    }
    return next(req);
  };
}
