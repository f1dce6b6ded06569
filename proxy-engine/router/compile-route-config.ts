// Compiles an Envoy RouteConfiguration into a CompiledRouteTable: virtual host lookup, route matchers,
// actions (cluster, weighted_clusters, cluster_header, redirect, direct_response), rewrites, timeouts,
// retry policies and header mutations. Every problem is reported with its field path.

import type { Message } from "@bufbuild/protobuf";
import { anyUnpack, type Any, type Duration } from "@bufbuild/protobuf/wkt";
import type { DataSource } from "../../proto/gen/envoy/config/core/v3/base_pb";
import type { RouteConfiguration } from "../../proto/gen/envoy/config/route/v3/route_pb";
import {
  RedirectAction_RedirectResponseCode as RedirectCode,
  type RetryPolicy as RetryPolicyProto,
  type Route,
  type RouteAction as RouteActionProto,
  type VirtualHost,
} from "../../proto/gen/envoy/config/route/v3/route_components_pb";
import { collectIssues, ConfigError, type ConfigIssue } from "../config/config-error";
import { compileHeaderMutation, type HeaderMutation } from "../http/header-mutation";
import { compileHeaderMatcher, compileQueryMatcher, fractionOf, type RequestPredicate } from "./request-matcher";
import {
  PATH_EXACT,
  PATH_PREFIX,
  PATH_REGEX,
  PATH_SEPARATED_PREFIX,
  type ClusterTarget,
  type CompiledRoute,
  type CompiledRouteTable,
  type CompiledVirtualHost,
  type RetryPolicy,
  type RouteAction,
} from "./route-table";
import { compileRewriteRegex, RegexError, type SafeRegex } from "./safe-regex";
import { compileHashPolicy } from "./hash-policy";
import { typeRegistry } from "../config/type-registry";
import type { StatsStore } from "../stats/stats-store";
import { regexOrError } from "./string-matcher";
import { withConditionInfo } from "./condition-info";

/** Envoy's default route timeout. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

const RETRY_ON = new Set(["5xx", "gateway-error", "reset", "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes", "reset-before-request", "envoy-ratelimited", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable"]);

export function durationToMs(d: Duration | undefined): number | undefined {
  return d ? Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6) : undefined;
}


export interface RouteCompileOptions {
  /** Checks cluster names exist (Envoy's validate_clusters; on for inline route configs). */
  knownClusters: ReadonlySet<string> | undefined;
  stats?: StatsStore;
}

export function compileRouteConfig(rc: RouteConfiguration, path: string, opts: RouteCompileOptions): CompiledRouteTable {
  const issues: ConfigIssue[] = [];
  const table: CompiledRouteTable = { name: rc.name, exact: new Map(), suffixes: [], prefixes: [], wildcard: undefined };
  const rcReq = collectIssues(issues, () => compileHeaderMutation(rc.requestHeadersToAdd, rc.requestHeadersToRemove, path, "request_headers_to_add", "request_headers_to_remove"));
  const rcResp = collectIssues(issues, () => compileHeaderMutation(rc.responseHeadersToAdd, rc.responseHeadersToRemove, path, "response_headers_to_add", "response_headers_to_remove"));
  const validate = rc.validateClusters === undefined ? opts.knownClusters : rc.validateClusters ? opts.knownClusters : undefined;
  const seen = new Set<string>();
  rc.virtualHosts.forEach((vhIn, vi) => {
    const vpath = `${path}.virtual_hosts[${vi}]`;
    const vh = compileVirtualHost(vhIn, vpath, issues, { perFilter: new Map(), rcReq, rcResp, knownClusters: validate, stats: opts.stats });
    if (vhIn.domains.length === 0) issues.push({ path: `${vpath}.domains`, message: "at least one domain is required" });
    vhIn.domains.forEach((d, di) => {
      const domain = d.toLowerCase();
      if (seen.has(domain)) return void issues.push({ path: `${vpath}.domains[${di}]`, message: `domain "${d}" is already used by another virtual host` });
      seen.add(domain);
      if (domain === "*") table.wildcard = vh;
      else if (domain.startsWith("*")) table.suffixes.push([domain.slice(1), vh]);
      else if (domain.endsWith("*")) table.prefixes.push([domain.slice(0, -1), vh]);
      else table.exact.set(domain, vh);
    });
  });
  if (issues.length) throw new ConfigError(issues);
  table.suffixes.sort((a, b) => b[0].length - a[0].length);
  table.prefixes.sort((a, b) => b[0].length - a[0].length);
  return table;
}

interface Inherited {
  stats: StatsStore | undefined;
  perFilter: ReadonlyMap<string, Message>;
  rcReq: HeaderMutation | undefined;
  rcResp: HeaderMutation | undefined;
  knownClusters: ReadonlySet<string> | undefined;
}

function compileVirtualHost(vh: VirtualHost, path: string, issues: ConfigIssue[], inh: Inherited): CompiledVirtualHost {
  if (!vh.name) issues.push({ path: `${path}.name`, message: "is required" });
  const vhReq = collectIssues(issues, () => compileHeaderMutation(vh.requestHeadersToAdd, vh.requestHeadersToRemove, path, "request_headers_to_add", "request_headers_to_remove"));
  const vhResp = collectIssues(issues, () => compileHeaderMutation(vh.responseHeadersToAdd, vh.responseHeadersToRemove, path, "response_headers_to_add", "response_headers_to_remove"));
  const vhRetry = vh.retryPolicy ? collectIssues(issues, () => compileRetryPolicy(vh.retryPolicy!, `${path}.retry_policy`)) : undefined;
  const vhInh = { ...inh, perFilter: collectIssues(issues, () => unpackPerFilter(vh.typedPerFilterConfig, `${path}.typed_per_filter_config`, inh.perFilter)) ?? inh.perFilter };
  const routes: CompiledRoute[] = [];
  vh.routes.forEach((r, ri) => {
    const route = collectIssues(issues, () => compileRoute(r, `${path}.routes[${ri}]`, vh.name, vhRetry, vhInh));
    if (!route) return;
    route.requestHeaders.push(...[vhReq, inh.rcReq].filter((m): m is HeaderMutation => m !== undefined));
    route.responseHeaders.push(...[vhResp, inh.rcResp].filter((m): m is HeaderMutation => m !== undefined));
    routes.push(route);
  });
  return { name: vh.name, routes };
}

function compileRoute(r: Route, path: string, vhName: string, vhRetry: RetryPolicy | undefined, inh: Inherited): CompiledRoute {
  const issues: ConfigIssue[] = [];
  const m = r.match;
  if (!m) throw new ConfigError([{ path: `${path}.match`, message: "is required" }]);
  const caseSensitive = m.caseSensitive ?? true;
  let pathKind = PATH_PREFIX;
  let pathValue = "";
  let pathRegex: SafeRegex | undefined;
  const ps = m.pathSpecifier;
  switch (ps.case) {
    case "prefix":
      pathValue = ps.value;
      break;
    case "path":
      pathKind = PATH_EXACT;
      pathValue = ps.value;
      if (!pathValue.startsWith("/")) issues.push({ path: `${path}.match.path`, message: `"${pathValue}" must start with "/"` });
      break;
    case "pathSeparatedPrefix":
      pathKind = PATH_SEPARATED_PREFIX;
      pathValue = ps.value;
      if (!pathValue.startsWith("/") || pathValue.endsWith("/")) issues.push({ path: `${path}.match.path_separated_prefix`, message: `"${pathValue}" must start with "/" and not end with "/"` });
      break;
    case "safeRegex":
      pathKind = PATH_REGEX;
      pathRegex = collectIssues(issues, () => regexOrError(ps.value.regex, `${path}.match.safe_regex.regex`, !caseSensitive));
      break;
    default:
      issues.push({ path: `${path}.match`, message: `one of prefix, path, path_separated_prefix or safe_regex is required${ps.case ? ` (${ps.case} is not supported)` : ""}` });
  }
  if (!caseSensitive) pathValue = pathValue.toLowerCase();
  const conditions: RequestPredicate[] = [];
  m.headers.forEach((h, i) => {
    const p = collectIssues(issues, () => compileHeaderMatcher(h, `${path}.match.headers[${i}]`));
    if (p) conditions.push(p);
  });
  m.queryParameters.forEach((q, i) => {
    const p = collectIssues(issues, () => compileQueryMatcher(q, `${path}.match.query_parameters[${i}]`));
    if (p) conditions.push(p);
  });
  if (m.grpc) {
    const grpc: RequestPredicate = (input) => (input.headers["content-type"] ?? "").startsWith("application/grpc");
    conditions.push(withConditionInfo(grpc, { kind: "grpc", label: 'gRPC (content-type "application/grpc*")', observe: (input) => input.headers["content-type"] }));
  }
  const fraction = fractionOf(m.runtimeFraction?.defaultValue);
  const action = collectIssues(issues, () => compileAction(r, path, vhRetry, inh));
  const req = collectIssues(issues, () => compileHeaderMutation(r.requestHeadersToAdd, r.requestHeadersToRemove, path, "request_headers_to_add", "request_headers_to_remove"));
  const resp = collectIssues(issues, () => compileHeaderMutation(r.responseHeadersToAdd, r.responseHeadersToRemove, path, "response_headers_to_add", "response_headers_to_remove"));
  const perFilterConfig = collectIssues(issues, () => unpackPerFilter(r.typedPerFilterConfig, `${path}.typed_per_filter_config`, inh.perFilter));
  if (issues.length || !action || !perFilterConfig) throw new ConfigError(issues);
  const name = r.name || `${vhName}/${path.slice(path.lastIndexOf("[") + 1, -1)}`;
  return {
    name,
    stats: inh.stats && r.name ? routeStats(inh.stats, vhName, r.name) : undefined,
    virtualHost: vhName,
    pathKind,
    pathValue,
    caseSensitive,
    pathRegex,
    conditions,
    fraction,
    action,
    requestHeaders: req ? [req] : [],
    responseHeaders: resp ? [resp] : [],
    perFilterConfig,
  };
}

function routeStats(store: StatsStore, vh: string, route: string) {
  const p = `vhost.${vh}.route.${route}.`;
  return {
    upstream_rq_total: store.counter(`${p}upstream_rq_total`),
    upstream_rq_2xx: store.counter(`${p}upstream_rq_2xx`),
    upstream_rq_3xx: store.counter(`${p}upstream_rq_3xx`),
    upstream_rq_4xx: store.counter(`${p}upstream_rq_4xx`),
    upstream_rq_5xx: store.counter(`${p}upstream_rq_5xx`),
    upstream_rq_time: store.histogram(`${p}upstream_rq_time`),
  };
}

function unpackPerFilter(cfg: { [key: string]: Any }, path: string, inherited: ReadonlyMap<string, Message>): ReadonlyMap<string, Message> {
  const names = Object.keys(cfg);
  if (names.length === 0) return inherited;
  const out = new Map(inherited);
  for (const name of names) {
    const m = anyUnpack(cfg[name]!, typeRegistry);
    if (!m) throw new ConfigError([{ path: `${path}[${name}]`, message: `unknown type ${cfg[name]!.typeUrl}` }]);
    out.set(name, m);
  }
  return out;
}

function compileAction(r: Route, path: string, vhRetry: RetryPolicy | undefined, inh: Inherited): RouteAction {
  const a = r.action;
  switch (a.case) {
    case "route":
      return compileForward(a.value, `${path}.route`, vhRetry, inh);
    case "redirect": {
      const rd = a.value;
      const p = `${path}.redirect`;
      const status = { [RedirectCode.MOVED_PERMANENTLY]: 301, [RedirectCode.FOUND]: 302, [RedirectCode.SEE_OTHER]: 303, [RedirectCode.TEMPORARY_REDIRECT]: 307, [RedirectCode.PERMANENT_REDIRECT]: 308 }[rd.responseCode];
      if (!status) throw new ConfigError([{ path: `${p}.response_code`, message: `unknown response code ${rd.responseCode}` }]);
      const sr = rd.schemeRewriteSpecifier;
      const pr = rd.pathRewriteSpecifier;
      if (pr.case === "regexRewrite") throw new ConfigError([{ path: `${p}.regex_rewrite`, message: "regex_rewrite in redirects is not supported; use path_redirect or prefix_rewrite" }]);
      return {
        kind: "redirect",
        status,
        scheme: sr.case === "httpsRedirect" ? (sr.value ? "https" : undefined) : sr.case === "schemeRedirect" ? sr.value : undefined,
        host: rd.hostRedirect || undefined,
        port: rd.portRedirect || undefined,
        path: pr.case === "pathRedirect" ? pr.value : undefined,
        prefixRewrite: pr.case === "prefixRewrite" ? pr.value : undefined,
        stripQuery: rd.stripQuery,
      };
    }
    case "directResponse": {
      const d = a.value;
      if (d.status < 200 || d.status > 599) throw new ConfigError([{ path: `${path}.direct_response.status`, message: `must be in [200, 599], got ${d.status}` }]);
      return { kind: "direct", status: d.status, body: d.body ? dataSourceBytes(d.body, `${path}.direct_response.body`) : undefined };
    }
    default:
      throw new ConfigError([{ path, message: `one of route, redirect or direct_response is required${a.case ? ` (${a.case} is not supported)` : ""}` }]);
  }
}

function dataSourceBytes(ds: DataSource, path: string): Buffer {
  const s = ds.specifier;
  if (s.case === "inlineString") return Buffer.from(s.value);
  if (s.case === "inlineBytes") return Buffer.from(s.value);
  throw new ConfigError([{ path, message: `only inline_string and inline_bytes are supported${s.case ? `, not ${s.case}` : ""}` }]);
}

function compileForward(ra: RouteActionProto, path: string, vhRetry: RetryPolicy | undefined, inh: Inherited): RouteAction {
  const issues: ConfigIssue[] = [];
  let target: ClusterTarget | undefined;
  const cs = ra.clusterSpecifier;
  const check = (name: string, p: string) => {
    if (!name) issues.push({ path: p, message: "is required" });
    else if (inh.knownClusters && !inh.knownClusters.has(name)) issues.push({ path: p, message: `unknown cluster "${name}"` });
  };
  switch (cs.case) {
    case "cluster":
      check(cs.value, `${path}.cluster`);
      target = { kind: "cluster", name: cs.value };
      break;
    case "clusterHeader":
      if (!cs.value) issues.push({ path: `${path}.cluster_header`, message: "is required" });
      target = { kind: "header", header: cs.value.toLowerCase() };
      break;
    case "weightedClusters": {
      const clusters = cs.value.clusters.map((c, i) => {
        check(c.name, `${path}.weighted_clusters.clusters[${i}].name`);
        return { name: c.name, weight: c.weight ?? 0 };
      });
      const total = clusters.reduce((n, c) => n + c.weight, 0);
      if (clusters.length === 0) issues.push({ path: `${path}.weighted_clusters.clusters`, message: "at least one cluster is required" });
      else if (total === 0) issues.push({ path: `${path}.weighted_clusters.clusters`, message: "weights must not all be 0" });
      target = { kind: "weighted", clusters, total };
      break;
    }
    default:
      issues.push({ path, message: `one of cluster, cluster_header or weighted_clusters is required${cs.case ? ` (${cs.case} is not supported)` : ""}` });
  }
  let regexRewrite: { re: RegExp; substitution: string } | undefined;
  if (ra.regexRewrite) {
    const pattern = ra.regexRewrite.pattern?.regex ?? "";
    try {
      regexRewrite = { re: compileRewriteRegex(pattern), substitution: re2Substitution(ra.regexRewrite.substitution) };
    } catch (e) {
      if (!(e instanceof RegexError)) throw e;
      issues.push({ path: `${path}.regex_rewrite.pattern.regex`, message: `invalid regex "${pattern}": ${e.message}` });
    }
  }
  const hr = ra.hostRewriteSpecifier;
  if (hr.case && hr.case !== "hostRewriteLiteral") issues.push({ path: `${path}.host_rewrite_specifier`, message: `${hr.case} is not supported; use host_rewrite_literal` });
  const retry = ra.retryPolicy ? collectIssues(issues, () => compileRetryPolicy(ra.retryPolicy!, `${path}.retry_policy`)) : vhRetry;
  const hashPolicy = collectIssues(issues, () => compileHashPolicy(ra.hashPolicy, `${path}.hash_policy`));
  if (issues.length || !target) throw new ConfigError(issues);
  return {
    kind: "forward",
    target,
    prefixRewrite: ra.prefixRewrite || undefined,
    regexRewrite,
    hostRewrite: hr.case === "hostRewriteLiteral" ? hr.value : undefined,
    timeoutMs: durationToMs(ra.timeout) ?? DEFAULT_ROUTE_TIMEOUT_MS,
    retry,
    hashPolicy,
  };
}

/** RE2 substitutions use \1 for groups; JS uses $1 (and $ must be escaped). */
function re2Substitution(s: string): string {
  return s.replace(/\$/g, "$$$$").replace(/\\(\d)/g, "$$$1");
}

export function compileRetryPolicy(p: RetryPolicyProto, path: string): RetryPolicy {
  const retryOn = new Set(
    p.retryOn
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const c of retryOn) if (!RETRY_ON.has(c)) throw new ConfigError([{ path: `${path}.retry_on`, message: `unknown retry condition "${c}" (supported: ${[...RETRY_ON].join(", ")})` }]);
  const base = durationToMs(p.retryBackOff?.baseInterval) ?? 25;
  const max = durationToMs(p.retryBackOff?.maxInterval) ?? base * 10;
  if (base <= 0) throw new ConfigError([{ path: `${path}.retry_back_off.base_interval`, message: "must be greater than 0" }]);
  if (max < base) throw new ConfigError([{ path: `${path}.retry_back_off.max_interval`, message: "must not be less than base_interval" }]);
  return {
    retryOn,
    numRetries: p.numRetries ?? 1,
    perTryTimeoutMs: durationToMs(p.perTryTimeout) ?? 0,
    baseIntervalMs: base,
    maxIntervalMs: max,
    retriableStatusCodes: p.retriableStatusCodes,
  };
}
