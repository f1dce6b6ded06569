// Envoy's header value substitutions (%DOWNSTREAM_REMOTE_ADDRESS%, %REQ(x-foo)%, %START_TIME%, ...),
// compiled once into literal and variable parts.

import { hostname } from "node:os";
import type { IncomingHttpHeaders } from "node:http";
import { ConfigError } from "../config/config-error";

export interface FormatContext {
  downstreamRemote: string;
  downstreamLocal: string;
  protocol: string;
  requestHeaders: IncomingHttpHeaders;
  startTime: number;
  upstreamHost: string;
  cluster: string;
}

export type Formatted = string | ((ctx: FormatContext) => string);

const HOSTNAME = hostname();

const withoutPort = (a: string) => {
  const i = a.lastIndexOf(":");
  return i > 0 && !a.endsWith("]") ? a.slice(0, i) : a;
};

const VARS: Record<string, (ctx: FormatContext) => string> = {
  DOWNSTREAM_REMOTE_ADDRESS: (c) => c.downstreamRemote,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (c) => withoutPort(c.downstreamRemote),
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS: (c) => c.downstreamRemote,
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT: (c) => withoutPort(c.downstreamRemote),
  DOWNSTREAM_LOCAL_ADDRESS: (c) => c.downstreamLocal,
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: (c) => withoutPort(c.downstreamLocal),
  PROTOCOL: (c) => c.protocol,
  START_TIME: (c) => new Date(c.startTime).toISOString(),
  HOSTNAME: () => HOSTNAME,
  UPSTREAM_REMOTE_ADDRESS: (c) => c.upstreamHost,
  UPSTREAM_CLUSTER: (c) => c.cluster,
};

/** Compiles a header value; plain strings stay strings so the common case costs nothing. */
export function compileFormat(value: string, path: string): Formatted {
  if (!value.includes("%")) return value;
  const parts: Formatted[] = [];
  const re = /%%|%([A-Z_]+)(?:\(([^)]*)\))?%/g;
  let last = 0;
  for (const m of value.matchAll(re)) {
    if (m.index > last) parts.push(value.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === "%%") {
      parts.push("%");
      continue;
    }
    const name = m[1]!;
    const arg = m[2];
    if (name === "REQ") {
      if (!arg) throw new ConfigError([{ path, message: "%REQ(header)% needs a header name" }]);
      const h = arg.toLowerCase();
      parts.push((c) => {
        const v = c.requestHeaders[h];
        return v === undefined ? "" : Array.isArray(v) ? v.join(",") : v;
      });
      continue;
    }
    const fn = VARS[name];
    if (!fn || arg !== undefined) throw new ConfigError([{ path, message: `unsupported substitution %${name}${arg !== undefined ? `(${arg})` : ""}% (supported: ${Object.keys(VARS).join(", ")}, REQ(header))` }]);
    parts.push(fn);
  }
  if (last < value.length) parts.push(value.slice(last));
  return (ctx) => parts.map((p) => (typeof p === "string" ? p : p(ctx))).join("");
}

export function formatValue(f: Formatted, ctx: FormatContext): string {
  return typeof f === "string" ? f : f(ctx);
}
