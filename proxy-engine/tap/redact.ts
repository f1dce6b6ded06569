// Header extraction for tap and config dumps, with secrets redacted (Authorization, Cookie, Set-Cookie, Proxy-Authorization).

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

export const REDACTED = "[REDACTED]";

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** Flattens node headers into name/value pairs (one pair per value), redacting secrets. */
export function extractHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    if (v === undefined) continue;
    const secret = isSecretHeader(name);
    for (const value of Array.isArray(v) ? v : [String(v)]) out.push({ name, value: secret ? REDACTED : value });
  }
  return out;
}
