// RDS: the sidecars' "outbound" route configuration (a virtual host per service port), the gateway's
// "http.PORT" (a virtual host per gateway-bound VirtualService host) and proxyless gRPC's per-target
// "host:port" configurations.

import { create } from "@bufbuild/protobuf";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import type { VirtualHost } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import { VirtualHostSchema } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { Service } from "../registry/registry-types";
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

/** The sidecars' outbound routes for proxies in `namespace`; TCP ports have no HTTP routes. */
export function outboundRouteConfig(ctx: PushContext, namespace: string): RouteConfiguration {
  const seen = new Set<string>();
  const virtualHosts: VirtualHost[] = [];
  for (const svc of ctx.index.services) {
    const vsList = meshVirtualServices(ctx, svc.hostname);
    for (const p of svc.ports) {
      if (p.protocol === "TCP") continue;
      const domains = serviceDomains(svc, p.port, namespace).filter((d) => !seen.has(d));
      if (domains.length === 0) continue;
      for (const d of domains) seen.add(d);
      const opts: RouteOptions = { ctx, host: svc.hostname, port: p.port, proxyless: false };
      const routes = vsList.length ? translateVirtualServices(vsList, opts) : [defaultRoute(svc.hostname, p.port, opts)];
      virtualHosts.push(create(VirtualHostSchema, { name: `${svc.hostname}:${p.port}`, domains, routes }));
    }
  }
  return create(RouteConfigurationSchema, { name: OUTBOUND_ROUTE, virtualHosts, validateClusters: false });
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
