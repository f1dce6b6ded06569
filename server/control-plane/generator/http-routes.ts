// VirtualService http[] → Envoy routes: one Route per match entry sharing the action (forward to one
// cluster or weighted clusters, redirect or direct response), rewrites, timeout, retries, fault injection,
// header operations, and the hash_policy a consistent-hash DestinationRule asks for.

import { create, equals, type MessageInitShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { RedirectAction_RedirectResponseCode as RedirectCode, RouteAction_HashPolicySchema, RouteSchema, type RouteAction_HashPolicy, type Route, type RouteActionSchema } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { HttpRoute, HttpRouteDestination, VirtualService } from "../rules/istio-types";
import { outboundClusterName, resolveHost } from "../rules/resolve-host";
import { durationFromMs, istioDuration } from "./proto-duration";
import type { PushContext } from "./push-context";
import { faultConfig, FAULT_FILTER, headerEdits, retryPolicy } from "./route-policies";
import { translateMatches, type TranslatedMatch } from "./route-match";
import { hashPolicyOf, policyFor } from "./traffic-policy";

export interface RouteOptions {
  ctx: PushContext;
  /** The virtual host's service and port: a destination to that host without a port uses this port. */
  host?: string;
  port?: number;
  proxyless: boolean;
}

const REDIRECT_CODES: Record<number, RedirectCode> = { 301: RedirectCode.MOVED_PERMANENTLY, 302: RedirectCode.FOUND, 303: RedirectCode.SEE_OTHER, 307: RedirectCode.TEMPORARY_REDIRECT, 308: RedirectCode.PERMANENT_REDIRECT };

type ActionInit = MessageInitShape<typeof RouteActionSchema>;
type RouteInit = MessageInitShape<typeof RouteSchema>;

/** The port a destination means: given, else the vhost's port for its own host, else the service's only port. */
export function destinationPort(opts: RouteOptions, host: string, port: number | undefined): number {
  if (port !== undefined) return port;
  if (host === opts.host && opts.port !== undefined) return opts.port;
  const svc = opts.ctx.index.servicesByHost.get(host);
  return svc?.ports[0]?.port ?? opts.port ?? 80;
}

interface ResolvedDestination {
  cluster: string;
  weight: number;
  hash: RouteAction_HashPolicy | undefined;
  d: HttpRouteDestination;
}

/** Destinations as clusters; as in Istio, zero-weight entries are dropped when others carry weight. */
function resolveDestinations(vs: VirtualService, http: HttpRoute, opts: RouteOptions): ResolvedDestination[] {
  const all = http.route ?? [];
  const list = all.length > 1 && all.some((d) => (d.weight ?? 0) > 0) ? all.filter((d) => (d.weight ?? 0) > 0) : all;
  return list.map((d) => {
    const host = resolveHost(d.destination.host, vs.metadata.namespace).toLowerCase();
    const subset = d.destination.subset ?? "";
    const port = destinationPort(opts, host, d.destination.port?.number);
    const dr = opts.ctx.index.drByHost.get(host);
    return { cluster: outboundClusterName(port, subset, host), weight: d.weight ?? (list.length === 1 ? 100 : 0), hash: hashPolicyOf(policyFor(dr, subset)?.loadBalancer), d };
  });
}

/** Hash policy for a set of destinations: set when every destination asks for the same one. */
function commonHash(dests: ResolvedDestination[]): RouteAction_HashPolicy | undefined {
  const first = dests[0]?.hash;
  if (!first) return undefined;
  return dests.every((x) => x.hash && equals(RouteAction_HashPolicySchema, x.hash, first)) ? first : undefined;
}

function forwardAction(dests: ResolvedDestination[], http: HttpRoute, m: TranslatedMatch, opts: RouteOptions): ActionInit {
  const action: ActionInit = {};
  if (dests.length === 1) action.clusterSpecifier = { case: "cluster", value: dests[0]!.cluster };
  else {
    const even = dests.every((x) => x.weight === 0);
    const clusters = dests.map((x) => {
      const req = headerEdits(x.d.headers?.request);
      const resp = headerEdits(x.d.headers?.response);
      return { name: x.cluster, weight: even ? 1 : x.weight, requestHeadersToAdd: req.add, requestHeadersToRemove: req.remove, responseHeadersToAdd: resp.add, responseHeadersToRemove: resp.remove };
    });
    action.clusterSpecifier = { case: "weightedClusters", value: { clusters } };
  }
  const rw = http.rewrite;
  if (rw?.uriRegexRewrite) action.regexRewrite = { pattern: { regex: rw.uriRegexRewrite.match }, substitution: rw.uriRegexRewrite.rewrite };
  else if (rw?.uri !== undefined) {
    if (m.pathKind === "prefix") action.prefixRewrite = rw.uri;
    else action.regexRewrite = { pattern: { regex: "^.*$" }, substitution: rw.uri };
  }
  if (rw?.authority) action.hostRewriteSpecifier = { case: "hostRewriteLiteral", value: rw.authority };
  // Istio disables Envoy's 15 s default route timeout unless the rule sets one.
  const timeout = istioDuration(http.timeout);
  action.timeout = timeout ?? durationFromMs(0);
  if (timeout && opts.proxyless) action.maxStreamDuration = { maxStreamDuration: timeout };
  const retry = retryPolicy(http.retries);
  if (retry) action.retryPolicy = retry;
  const hash = commonHash(dests);
  if (hash) action.hashPolicy = [hash];
  return action;
}

function routeAction(http: HttpRoute, m: TranslatedMatch, dests: ResolvedDestination[], opts: RouteOptions): RouteInit["action"] {
  if (http.redirect) {
    const r = http.redirect;
    return {
      case: "redirect",
      value: {
        pathRewriteSpecifier: r.uri !== undefined ? { case: "pathRedirect", value: r.uri } : { case: undefined },
        hostRedirect: r.authority ?? "",
        responseCode: REDIRECT_CODES[r.redirectCode ?? 301] ?? RedirectCode.MOVED_PERMANENTLY,
      },
    };
  }
  if (http.directResponse) {
    const d = http.directResponse;
    return { case: "directResponse", value: { status: d.status, body: d.body ? { specifier: { case: "inlineString", value: d.body.string } } : undefined } };
  }
  return { case: "route", value: forwardAction(dests, http, m, opts) };
}

export function translateHttpRoute(vs: VirtualService, http: HttpRoute, index: number, opts: RouteOptions): Route[] {
  const name = http.name || `${vs.metadata.name}.${index}`;
  const dests = resolveDestinations(vs, http, opts);
  // Nothing to do (the validator refuses such rules): no route rather than one the proxy would reject.
  if (!http.redirect && !http.directResponse && dests.length === 0) return [];
  const req = headerEdits(http.headers?.request);
  const resp = headerEdits(http.headers?.response);
  // A single destination's own header operations apply to the whole route.
  if (dests.length === 1) {
    const only = dests[0]!.d.headers;
    const dreq = headerEdits(only?.request);
    const dresp = headerEdits(only?.response);
    req.add.push(...dreq.add);
    req.remove.push(...dreq.remove);
    resp.add.push(...dresp.add);
    resp.remove.push(...dresp.remove);
  }
  const perFilter: { [k: string]: Any } = http.fault ? { [FAULT_FILTER]: faultConfig(http.fault) } : {};
  return translateMatches(http).map((m) =>
    create(RouteSchema, {
      name,
      match: m.match,
      action: routeAction(http, m, dests, opts),
      typedPerFilterConfig: perFilter,
      requestHeadersToAdd: req.add,
      requestHeadersToRemove: req.remove,
      responseHeadersToAdd: resp.add,
      responseHeadersToRemove: resp.remove,
    }),
  );
}

/** Routes of several VirtualServices for one host, in order (rules for the same host are merged). */
export function translateVirtualServices(list: readonly VirtualService[], opts: RouteOptions): Route[] {
  const out: Route[] = [];
  for (const vs of list) (vs.spec.http ?? []).forEach((h, i) => out.push(...translateHttpRoute(vs, h, i, opts)));
  return out;
}

/** The route used when no VirtualService applies: everything to outbound|PORT||HOST. */
export function defaultRoute(host: string, port: number, opts: RouteOptions): Route {
  const hash = hashPolicyOf(policyFor(opts.ctx.index.drByHost.get(host), "")?.loadBalancer);
  const retry = retryPolicy(undefined);
  return create(RouteSchema, {
    name: "default",
    match: { pathSpecifier: { case: "prefix", value: "/" } },
    action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: outboundClusterName(port, "", host) }, timeout: durationFromMs(0), retryPolicy: retry, hashPolicy: hash ? [hash] : [] } },
  });
}

/** True when a route matches every request (prefix "/" or "" with no other condition). */
export function isCatchAll(r: Route): boolean {
  const m = r.match;
  if (!m || m.headers.length || m.queryParameters.length || m.runtimeFraction || m.grpc) return false;
  return m.pathSpecifier.case === "prefix" && (m.pathSpecifier.value === "/" || m.pathSpecifier.value === "");
}
