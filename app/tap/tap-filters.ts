// Parsers for the tap form's free-text filters: CIDR blocks, port ranges, status lists and latencies.
// Each returns the parsed value or a short message the form shows under the field.

export interface Netmask {
  ip: string;
  mask: number;
}

export interface PortRange {
  min: number;
  /** 0 means "min only", as in the proto. */
  max: number;
}

export interface StatusFilter {
  classes: number[];
  codes: number[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

export function isIpv6(s: string): boolean {
  if (!s.includes(":")) return false;
  let rest = s;
  let groupsForV4 = 0;
  const lastColon = rest.lastIndexOf(":");
  const tail = rest.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!isIpv4(tail)) return false;
    rest = rest.slice(0, lastColon + 1) + "0";
    groupsForV4 = 1; // the IPv4 tail is two groups; "0" stands for one of them
  }
  const halves = rest.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = all.length + groupsForV4;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** "10.0.0.0/8", "10.1.2.3" (a /32), "fd00::/8" or "::1". */
export function parseCidr(input: string): Netmask | string {
  const s = input.trim();
  const [ip = "", maskText, extra] = s.split("/");
  if (extra !== undefined) return "an IP or CIDR, e.g. 10.0.0.0/8";
  const bits = isIpv4(ip) ? 32 : isIpv6(ip) ? 128 : 0;
  if (!bits) return "an IP or CIDR, e.g. 10.0.0.0/8";
  if (maskText === undefined) return { ip, mask: bits };
  if (!/^\d{1,3}$/.test(maskText) || Number(maskText) > bits) return `the mask is 0 to ${bits}`;
  return { ip, mask: Number(maskText) };
}

/** "8080" or "8000-8999". */
export function parsePorts(input: string): PortRange | string {
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(input);
  if (!m) return "a port or range, e.g. 8000-8999";
  const min = Number(m[1]);
  const max = m[2] === undefined ? 0 : Number(m[2]);
  if (min < 1 || min > 65535 || max > 65535) return "ports are 1 to 65535";
  if (m[2] !== undefined && max < min) return "the range ends below its start";
  return { min, max: max === min ? 0 : max };
}

/** "5xx, 429 404": status classes and exact codes; empty keeps every status. */
export function parseStatusFilter(input: string): StatusFilter | string {
  const out: StatusFilter = { classes: [], codes: [] };
  for (const token of input.split(/[\s,]+/).filter(Boolean)) {
    const cls = /^([1-5])xx$/i.exec(token);
    if (cls) {
      const c = Number(cls[1]);
      if (!out.classes.includes(c)) out.classes.push(c);
    } else if (/^[1-5]\d\d$/.test(token)) {
      const c = Number(token);
      if (!out.codes.includes(c)) out.codes.push(c);
    } else {
      return "classes and codes, e.g. 5xx, 429";
    }
  }
  return out;
}

/** "250" or "250ms", "1.5s"; undefined when empty. */
export function parseLatencyMs(input: string): number | undefined | string {
  const s = input.trim();
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/i.exec(s);
  if (!m) return "a duration, e.g. 250ms or 1.5s";
  const n = Number(m[1]) * (m[2]?.toLowerCase() === "s" ? 1000 : 1);
  if (n > 3_600_000) return "at most an hour";
  return n;
}
