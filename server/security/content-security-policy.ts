// A strict Content-Security-Policy for the dashboard's pages: scripts run only with this response's nonce
// (Next.js reads it from the request's CSP header and puts it on every script it renders; 'strict-dynamic'
// lets those load the app's chunks), nothing is framed, no plugins, no foreign base or form targets, and the
// pages talk only to their own origin. Inline style attributes stay allowed: React sets them (charts,
// virtualized rows), and they cannot run code.

import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Everything after script-src, which is the same for every response. */
const REST = [
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function pageCsp(nonce: string): string {
  return `default-src 'self'; script-src 'self' 'nonce-${nonce}' 'strict-dynamic'; ${REST}`;
}

/** Gives a page request a fresh nonce: in its CSP request header for Next.js, and in the response's CSP. */
export function applyPageCsp(req: IncomingMessage, res: ServerResponse): void {
  const csp = pageCsp(randomBytes(16).toString("base64"));
  req.headers["content-security-policy"] = csp;
  res.setHeader("content-security-policy", csp);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "same-origin");
}
