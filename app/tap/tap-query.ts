// The tap form's state, its URL form (so a tap is a link to share), validation, and the ObserveRequest it becomes.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import {
  Match_HttpSchema,
  MatchSchema,
  ObserveRequestSchema,
  ProxyDirection,
  Scheme,
  type Match,
  type ObserveRequest,
} from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { parseCidr, parseLatencyMs, parsePorts, parseStatusFilter } from "./tap-filters";

export type StringMatchKind = "prefix" | "exact";
export type DirectionChoice = "" | "inbound" | "outbound";
export type SchemeChoice = "" | "http" | "https";

export interface TapQuery {
  /** Empty means any method. */
  method: string;
  scheme: SchemeChoice;
  authority: string;
  authorityMatch: StringMatchKind;
  path: string;
  pathMatch: StringMatchKind;
  /** Source address: an IP or a CIDR block. */
  source: string;
  /** Source port or range, "8080" or "8000-8999". */
  sourcePort: string;
  destination: string;
  destinationPort: string;
  /** Scope: service hostname, workload name, proxy node id and direction; empty means every one. */
  service: string;
  workload: string;
  proxy: string;
  direction: DirectionChoice;
  /** Outcome: status classes and codes ("5xx, 429"), slower than ("250ms", "1.5s"), errors only. */
  status: string;
  minLatency: string;
  errorsOnly: boolean;
  limit: number;
  /** Events per second for the whole tap; 0 is the server's default. */
  maxRps: number;
  /** Body capture per request and response, in bytes; 0 is off. */
  bodyBytes: number;
}

export const DEFAULT_LIMIT = 10_000;
export const MAX_LIMIT = 100_000;
export const MAX_RPS = 100_000;
export const MAX_BODY_BYTES = 65_536;
export const BODY_CHOICES = [0, 1024, 4096, 16_384, 65_536];
export const METHODS = ["", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

export const DEFAULT_QUERY: TapQuery = {
  method: "",
  scheme: "",
  authority: "",
  authorityMatch: "prefix",
  path: "",
  pathMatch: "prefix",
  source: "",
  sourcePort: "",
  destination: "",
  destinationPort: "",
  service: "",
  workload: "",
  proxy: "",
  direction: "",
  status: "",
  minLatency: "",
  errorsOnly: false,
  limit: DEFAULT_LIMIT,
  maxRps: 0,
  bodyBytes: 0,
};

export type QueryErrors = Partial<Record<keyof TapQuery, string>>;

const wholeIn = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;

export function validateQuery(q: TapQuery): QueryErrors {
  const errors: QueryErrors = {};
  if (!wholeIn(q.limit, 1, MAX_LIMIT)) errors.limit = `a whole number from 1 to ${MAX_LIMIT}`;
  if (!wholeIn(q.maxRps, 0, MAX_RPS)) errors.maxRps = `a whole number from 0 (server default) to ${MAX_RPS}`;
  if (!wholeIn(q.bodyBytes, 0, MAX_BODY_BYTES)) errors.bodyBytes = `0 (off) to ${MAX_BODY_BYTES} bytes`;
  if (q.path && !q.path.startsWith("/")) errors.path = 'must start with "/"';
  else if (/\s/.test(q.path)) errors.path = "no spaces";
  if (q.method && !/^[A-Z]+$/.test(q.method)) errors.method = "an HTTP method, e.g. GET";
  if (/\s/.test(q.authority)) errors.authority = "no spaces";
  for (const k of ["source", "destination"] as const) {
    const r = q[k] ? parseCidr(q[k]) : undefined;
    if (typeof r === "string") errors[k] = r;
  }
  for (const k of ["sourcePort", "destinationPort"] as const) {
    const r = q[k] ? parsePorts(q[k]) : undefined;
    if (typeof r === "string") errors[k] = r;
  }
  const status = parseStatusFilter(q.status);
  if (typeof status === "string") errors.status = status;
  const latency = parseLatencyMs(q.minLatency);
  if (typeof latency === "string") errors.minLatency = latency;
  return errors;
}

/** Reads a tap from the URL. Older links (path, authority, method, limit: prefix matches) keep working. */
export function queryFromParams(params: URLSearchParams): TapQuery {
  const num = (name: string, fallback: number) => {
    const raw = params.get(name);
    return raw === null || raw === "" ? fallback : Number(raw);
  };
  const str = (name: string) => params.get(name)?.trim() ?? "";
  const dir = str("dir").toLowerCase();
  const scheme = str("scheme").toLowerCase();
  return {
    method: str("method").toUpperCase(),
    scheme: scheme === "http" || scheme === "https" ? scheme : "",
    authority: params.get("authority") ?? "",
    authorityMatch: params.get("authorityMatch") === "exact" ? "exact" : "prefix",
    path: params.get("path") ?? "",
    pathMatch: params.get("pathMatch") === "exact" ? "exact" : "prefix",
    source: str("src"),
    sourcePort: str("srcPort"),
    destination: str("dst"),
    destinationPort: str("dstPort"),
    service: str("service"),
    workload: str("workload"),
    proxy: str("proxy"),
    direction: dir === "inbound" || dir === "outbound" ? dir : "",
    status: str("status"),
    minLatency: str("latency"),
    errorsOnly: params.get("errors") === "1" || params.get("errors") === "true",
    limit: num("limit", DEFAULT_LIMIT),
    maxRps: num("rps", 0),
    bodyBytes: num("body", 0),
  };
}

/** The URL form: only what differs from the defaults, so links stay short. */
export function queryToParams(q: TapQuery): URLSearchParams {
  const p = new URLSearchParams();
  const set = (name: string, value: string | undefined) => {
    if (value) p.set(name, value);
  };
  set("method", q.method);
  set("path", q.path);
  if (q.path && q.pathMatch === "exact") p.set("pathMatch", "exact");
  set("authority", q.authority);
  if (q.authority && q.authorityMatch === "exact") p.set("authorityMatch", "exact");
  set("scheme", q.scheme);
  set("src", q.source.trim());
  set("srcPort", q.sourcePort.trim());
  set("dst", q.destination.trim());
  set("dstPort", q.destinationPort.trim());
  set("service", q.service);
  set("workload", q.workload);
  set("proxy", q.proxy);
  set("dir", q.direction);
  set("status", q.status.trim());
  set("latency", q.minLatency.trim());
  if (q.errorsOnly) p.set("errors", "1");
  if (q.limit !== DEFAULT_LIMIT) p.set("limit", String(q.limit));
  if (q.maxRps) p.set("rps", String(q.maxRps));
  if (q.bodyBytes) p.set("body", String(q.bodyBytes));
  return p;
}

/** How many filters beyond method, path and authority are set (the form opens "More filters" when any is). */
export function advancedFilterCount(q: TapQuery): number {
  const keys: (keyof TapQuery)[] = ["scheme", "source", "sourcePort", "destination", "destinationPort", "service", "workload", "proxy", "direction", "status", "minLatency", "errorsOnly", "maxRps", "bodyBytes"];
  return keys.filter((k) => q[k] !== DEFAULT_QUERY[k]).length;
}

type HttpMatch = MessageInitShape<typeof Match_HttpSchema>["match"];

export function toObserveRequest(q: TapQuery): ObserveRequest {
  const matches: Match[] = [];
  const http = (match: HttpMatch) => create(MatchSchema, { match: { case: "http", value: { match } } });
  const str = (kind: StringMatchKind, value: string) => ({ match: kind === "exact" ? { case: "exact" as const, value } : { case: "prefix" as const, value } });
  if (q.method) matches.push(http({ case: "method", value: q.method }));
  if (q.scheme) matches.push(http({ case: "scheme", value: q.scheme === "https" ? Scheme.HTTPS : Scheme.HTTP }));
  if (q.path) matches.push(http({ case: "path", value: str(q.pathMatch, q.path) }));
  if (q.authority) matches.push(http({ case: "authority", value: str(q.authorityMatch, q.authority) }));
  for (const [side, addr, port] of [
    ["source", q.source, q.sourcePort],
    ["destination", q.destination, q.destinationPort],
  ] as const) {
    const net = addr ? parseCidr(addr) : undefined;
    if (net && typeof net !== "string") matches.push(create(MatchSchema, { match: { case: side, value: { match: { case: "netmask", value: net } } } }));
    const ports = port ? parsePorts(port) : undefined;
    if (ports && typeof ports !== "string") matches.push(create(MatchSchema, { match: { case: side, value: { match: { case: "ports", value: ports } } } }));
  }
  const status = parseStatusFilter(q.status);
  const latency = parseLatencyMs(q.minLatency);
  const hasStatus = typeof status !== "string" && (status.classes.length > 0 || status.codes.length > 0);
  const hasLatency = typeof latency === "number";
  const outcome =
    hasStatus || hasLatency || q.errorsOnly
      ? {
          statusClasses: hasStatus ? status.classes : [],
          statusCodes: hasStatus ? status.codes : [],
          minLatency: hasLatency ? durationFromMs(latency) : undefined,
          errorsOnly: q.errorsOnly,
        }
      : undefined;
  const direction = q.direction === "inbound" ? ProxyDirection.INBOUND : q.direction === "outbound" ? ProxyDirection.OUTBOUND : ProxyDirection.UNSPECIFIED;
  const scope = q.service || q.workload || q.proxy || direction ? { service: q.service, workload: q.workload, proxy: q.proxy, direction } : undefined;
  return create(ObserveRequestSchema, {
    limit: q.limit,
    match: matches.length ? { match: { case: "all", value: { matches } } } : undefined,
    extract: { extract: { case: "http", value: { extract: { case: "headers", value: {} } } } },
    maxRps: q.maxRps,
    outcome,
    scope,
    bodyBytes: q.bodyBytes,
  });
}
