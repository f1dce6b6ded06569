// "Authorization: Bearer <token>", compared in constant time: what the admin API, the xDS server and the
// RPCs accept as the access token once they are reachable beyond loopback.

import { timingSafeEqual } from "node:crypto";

export function bearerMatches(header: string | null | undefined, token: string): boolean {
  return constantTimeEqual(header ?? "", `Bearer ${token}`);
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
