// RDS: the sidecars' "outbound" route configuration (a virtual host per service port), the gateway's
// "http.PORT" (a virtual host per gateway-bound VirtualService host) and proxyless gRPC's per-target
// "host:port" configurations.

import { create } from "@bufbuild/protobuf";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import type { VirtualHost } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import { VirtualHostSchema } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { Service } from "../registry/registry-types";
import type { VirtualService } from "../rules/istio-types";
import { resolveHost } from "../rules/resolve-host";
import { defaultRoute, isCatchAll, translateVirtualServices, type RouteOptions } from "./http-routes";
import { meshVirtualServices, type PushContext } from "./push-context";

export const OUTBOUND_ROUTE = "outbound";

export function gatewayRouteName(port: number): string {
  return `http.${port}`;
}

/** Istio's sidecar domains: FQDN, short name (same namespace only), name.namespace; each also with :PORT. */
export function serviceDomains(svc: Service, port: number, proxyNamespace: string): string[] {
  const names = [svc.hostname];
  if (svc.namespace === proxyNamespace) names.push(svc.name);
  names.push(`${svc.name}.${svc.namespace}`);
  return [...new Set(names.flatMap((n) => [n, `${n}:${port}`]))];
}

/** What one outbound virtual host is built from: a service port, its domains, the rules routing it. */
export interface OutboundVhostInput {
  svc: Service;
  port: number;
  /** The domains not already claimed by an earlier virtual host (shared: never modify). */
  domains: string[];
  vsList: readonly VirtualService[];
}

/** serviceDomains per service object (services are immutable; a rule change keeps the same objects). */
const domainLists = new WeakMap<Service, Map<string, string[]>>();

function domainsOf(svc: Service, port: number, namespace: string): string[] {
  let bySvc = domainLists.get(svc);
  if (!bySvc) domainLists.set(svc, (bySvc = new Map()));
  const key = `${port} ${namespace}`;
  let list = bySvc.get(key);
  if (!list) bySvc.set(key, (list = serviceDomains(svc, port, namespace)));
  return list;
}

/** The outbound virtual hosts' inputs for proxies in `namespace`, in order; TCP ports have no HTTP routes. */
export function outboundVhostInputs(ctx: PushContext, namespace: string): OutboundVhostInput[] {
  const seen = new Set<string>();
  const out: OutboundVhostInput[] = [];
  for (const svc of ctx.index.services) {
    const vsList = meshVirtualServices(ctx, svc.hostname);
    for (const p of svc.ports) {
      if (p.protocol === "TCP") continue;
      // The cached list itself when no domain was claimed before (the usual case), so it can key caches.
      const all = domainsOf(svc, p.port, namespace);
      const domains = all.some((d) => seen.has(d)) ? all.filter((d) => !seen.has(d)) : all;
      if (domains.length === 0) continue;
      for (const d of domains) seen.add(d);
      out.push({ svc, port: p.port, domains, vsList });
    }
  }
  return out;
}

/** One outbound virtual host: the VirtualService routes, else the default route to the service. */
export function outboundVirtualHost(ctx: PushContext, v: OutboundVhostInput): VirtualHost {
  const opts: RouteOptions = { ctx, host: v.svc.hostname, port: v.port, proxyless: false };
  const routes = v.vsList.length ? translateVirtualServices(v.vsList, opts) : [defaultRoute(v.svc.hostname, v.port, opts)];
  return create(VirtualHostSchema, { name: `${v.svc.hostname}:${v.port}`, domains: v.domains, routes });
}

/** The RouteConfiguration fields besides virtual_hosts. */
export const OUTBOUND_ROUTE_FIELDS = { name: OUTBOUND_ROUTE, validateClusters: false } as const;

/** The sidecars' outbound routes for proxies in `namespace` (outbound-routes.ts builds it packed, cached). */
export function outboundRouteConfig(ctx: PushContext, namespace: string): RouteConfiguration {
  const virtualHosts = outboundVhostInputs(ctx, namespace).map((v) => outboundVirtualHost(ctx, v));
  return create(RouteConfigurationSchema, { ...OUTBOUND_ROUTE_FIELDS, virtualHosts });
}

/** The gateway's routes on one port: one virtual host per gateway-bound VirtualService host. */
export function gatewayRouteConfig(ctx: PushContext, port: number): RouteConfiguration {
  const virtualHosts: VirtualHost[] = [];
  for (const [host, list] of ctx.index.gatewayVsByHost) {
    const routes = translateVirtualServices(list, { ctx, proxyless: false });
    const domains = host === "*" ? ["*"] : [host, `${host}:*`];
    virtualHosts.push(create(VirtualHostSchema, { name: `${host}:${port}`, domains, routes }));
  }
  return create(RouteConfigurationSchema, { name: gatewayRouteName(port), virtualHosts, validateClusters: false });
}

/** "host:port" (host may be a short name) → the service and port it names, when both exist. */
export function parseTarget(ctx: PushContext, name: string, namespace: string): { svc: Service; port: number; host: string } | undefined {
  const colon = name.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const portText = name.slice(colon + 1);
  if (!/^\d+$/.test(portText)) return undefined;
  const port = Number(portText);
  const host = resolveHost(name.slice(0, colon), namespace).toLowerCase();
  const svc = ctx.index.servicesByHost.get(host);
  if (!svc || !svc.ports.some((p) => p.port === port)) return undefined;
  return { svc, port, host };
}

/**
 * A proxyless client's route configuration for one target. grpc-js-xds fails RPCs that match no route, so
 * when the VirtualService routes have no catch-all, the default route to the service is appended.
 */
export function proxylessRouteConfig(ctx: PushContext, name: string, namespace: string): RouteConfiguration | undefined {
  const t = parseTarget(ctx, name, namespace);
  if (!t) return undefined;
  const opts: RouteOptions = { ctx, host: t.host, port: t.port, proxyless: true };
  const vsList = meshVirtualServices(ctx, t.host);
  const routes = vsList.length ? translateVirtualServices(vsList, opts) : [];
  if (!routes.some(isCatchAll)) routes.push(defaultRoute(t.host, t.port, opts));
  const vh = create(VirtualHostSchema, { name, domains: [...new Set([name, t.host])], routes });
  return create(RouteConfigurationSchema, { name, virtualHosts: [vh] });
}
