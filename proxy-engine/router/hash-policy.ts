// A route's hash_policy (header, cookie, source IP, query parameter), compiled into one function that
// gives the request's hash for RING_HASH and MAGLEV clusters. As in Envoy, hashes of several policies
// combine (rotate and xor), and a terminal policy that produced a hash stops the list.

import type { IncomingHttpHeaders } from "node:http";
import type { RouteAction_HashPolicy } from "../../proto/gen/envoy/config/route/v3/route_components_pb";
import { ConfigError } from "../config/config-error";
import { murmur3 } from "../lb/common/hash";

export interface HashInput {
  headers: IncomingHttpHeaders;
  query: string;
  sourceIp: string;
}

export type RequestHasher = (input: HashInput) => number | undefined;

function cookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers.cookie;
  if (!raw) return undefined;
  for (const part of raw.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function query(q: string, name: string): string | undefined {
  for (const part of q.split("&")) {
    const eq = part.indexOf("=");
    if ((eq === -1 ? part : part.slice(0, eq)) === name) return eq === -1 ? "" : part.slice(eq + 1);
  }
  return undefined;
}

export function compileHashPolicy(policies: RouteAction_HashPolicy[], path: string): RequestHasher | undefined {
  if (policies.length === 0) return undefined;
  const parts = policies.map((p, i) => {
    const ps = p.policySpecifier;
    const at = `${path}[${i}]`;
    let key: (input: HashInput) => string | undefined;
    switch (ps.case) {
      case "header": {
        const name = ps.value.headerName.toLowerCase();
        if (!name) throw new ConfigError([{ path: `${at}.header.header_name`, message: "is required" }]);
        key = (input) => {
          const v = input.headers[name];
          return Array.isArray(v) ? v.join(",") : v;
        };
        break;
      }
      case "cookie": {
        const name = ps.value.name;
        if (!name) throw new ConfigError([{ path: `${at}.cookie.name`, message: "is required" }]);
        if (ps.value.ttl) throw new ConfigError([{ path: `${at}.cookie.ttl`, message: "generated cookies (ttl) are not supported" }]);
        key = (input) => cookie(input.headers, name);
        break;
      }
      case "connectionProperties":
        key = ps.value.sourceIp ? (input) => input.sourceIp : () => undefined;
        break;
      case "queryParameter": {
        const name = ps.value.name;
        key = (input) => query(input.query, name);
        break;
      }
      default:
        throw new ConfigError([{ path: at, message: `hash policy ${ps.case ?? "(empty)"} is not supported (header, cookie, connection_properties, query_parameter)` }]);
    }
    return { key, terminal: p.terminal };
  });
  return (input) => {
    let hash: number | undefined;
    for (const { key, terminal } of parts) {
      const k = key(input);
      if (k === undefined) continue;
      const h = murmur3(k);
      hash = hash === undefined ? h : (((hash << 1) | (hash >>> 31)) ^ h) >>> 0;
      if (terminal) break;
    }
    return hash;
  };
}
