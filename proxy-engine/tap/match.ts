// Compiles a Linkerd-style tap Match tree (all/any/not, tcp, http, labels) into one predicate.
// Invalid matches are rejected with the field path, so the RPC can answer InvalidArgument precisely.
// Labels are known only once the request is routed, so the predicate is three-valued: `undefined` means
// "depends on labels not known yet" and the tap asks again after routing (Kleene logic for all/any/not).

import net from "node:net";
import { Scheme, type Match, type Match_Http, type Match_Http_StringMatch, type Match_Tcp } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { TapRequestInfo } from "./tap-request";

/** true or false, or undefined while the answer depends on destination or route labels not known yet. */
export type TapPredicate = (info: TapRequestInfo) => boolean | undefined;

export class TapMatchError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "TapMatchError";
  }
}

const MAX_DEPTH = 32;

export function compileTapMatch(match: Match | undefined, path = "match", depth = 0): TapPredicate {
  if (depth > MAX_DEPTH) throw new TapMatchError(path, `nesting deeper than ${MAX_DEPTH}`);
  const m = match?.match;
  if (!m || m.case === undefined) return () => true;
  switch (m.case) {
    case "all": {
      const ps = m.value.matches.map((x, i) => compileTapMatch(x, `${path}.all.matches[${i}]`, depth + 1));
      return (info) => {
        let unknown = false;
        for (const p of ps) {
          const r = p(info);
          if (r === false) return false;
          if (r === undefined) unknown = true;
        }
        return unknown ? undefined : true;
      };
    }
    case "any": {
      const ps = m.value.matches.map((x, i) => compileTapMatch(x, `${path}.any.matches[${i}]`, depth + 1));
      return (info) => {
        let unknown = false;
        for (const p of ps) {
          const r = p(info);
          if (r === true) return true;
          if (r === undefined) unknown = true;
        }
        return unknown ? undefined : false;
      };
    }
    case "not": {
      const p = compileTapMatch(m.value, `${path}.not`, depth + 1);
      return (info) => {
        const r = p(info);
        return r === undefined ? undefined : !r;
      };
    }
    case "source":
      return compileTcp(m.value, `${path}.source`, (i) => [i.sourceIp, i.sourcePort]);
    case "destination":
      return compileTcp(m.value, `${path}.destination`, (i) => [i.destinationIp, i.destinationPort]);
    case "http":
      return compileHttp(m.value.match, `${path}.http`);
    case "destinationLabel": {
      const { key, value } = m.value;
      if (!key) throw new TapMatchError(`${path}.destination_label.key`, "is required");
      return (info) => (info.destinationLabels === undefined ? undefined : info.destinationLabels[key] === value);
    }
    case "routeLabel": {
      const { key, value } = m.value;
      if (!key) throw new TapMatchError(`${path}.route_label.key`, "is required");
      return (info) => (info.routeLabels === undefined ? undefined : info.routeLabels[key] === value);
    }
  }
}

function compileTcp(tcp: Match_Tcp, path: string, pick: (i: TapRequestInfo) => [string, number]): TapPredicate {
  const m = tcp.match;
  if (m.case === "ports") {
    const { min, max } = m.value;
    if (min > 65535 || max > 65535) throw new TapMatchError(`${path}.ports`, "ports must be <= 65535");
    if (max !== 0 && max < min) throw new TapMatchError(`${path}.ports`, `max ${max} is below min ${min}`);
    const hi = max === 0 ? min : max;
    return (info) => {
      const port = pick(info)[1];
      return port >= min && port <= hi;
    };
  }
  if (m.case === "netmask") {
    const { ip, mask } = m.value;
    const family = net.isIP(ip);
    if (family === 0) throw new TapMatchError(`${path}.netmask.ip`, `"${ip}" is not an IP address`);
    const bits = family === 4 ? 32 : 128;
    if (mask > bits) throw new TapMatchError(`${path}.netmask.mask`, `must be <= ${bits} for an IPv${family} address`);
    const block = new net.BlockList();
    block.addSubnet(ip, mask, family === 4 ? "ipv4" : "ipv6");
    return (info) => {
      const addr = unmapIpv4(pick(info)[0]);
      const f = net.isIP(addr);
      return f !== 0 && block.check(addr, f === 4 ? "ipv4" : "ipv6");
    };
  }
  throw new TapMatchError(path, "one of netmask or ports is required");
}

function compileHttp(m: Match_Http["match"], path: string): TapPredicate {
  switch (m.case) {
    case "scheme": {
      // Protobuf keeps enum numbers it does not know: 7 is neither, and must not quietly mean HTTP.
      if (m.value !== Scheme.HTTP && m.value !== Scheme.HTTPS) throw new TapMatchError(`${path}.scheme`, `must be HTTP or HTTPS, got ${Scheme[m.value] ?? m.value}`);
      const want = m.value === Scheme.HTTPS ? "https" : "http";
      return (info) => info.scheme === want;
    }
    case "method": {
      const want = m.value.toUpperCase();
      if (!/^[A-Z]+$/.test(want)) throw new TapMatchError(`${path}.method`, `"${m.value}" is not an HTTP method`);
      return (info) => info.method === want;
    }
    case "authority": {
      const sm = compileString(m.value, `${path}.authority`, true);
      return (info) => sm(info.authority.toLowerCase());
    }
    case "path": {
      const sm = compileString(m.value, `${path}.path`, false);
      return (info) => sm(info.path);
    }
    default:
      throw new TapMatchError(path, "one of scheme, method, authority or path is required");
  }
}

function compileString(sm: Match_Http_StringMatch, path: string, lower: boolean): (s: string) => boolean {
  const m = sm.match;
  if (m.case === "exact") {
    const want = lower ? m.value.toLowerCase() : m.value;
    return (s) => s === want;
  }
  if (m.case === "prefix") {
    const want = lower ? m.value.toLowerCase() : m.value;
    return (s) => s.startsWith(want);
  }
  throw new TapMatchError(path, "one of exact or prefix is required");
}

/** Sockets on dual-stack listeners report IPv4 peers as ::ffff:a.b.c.d. */
export function unmapIpv4(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}
