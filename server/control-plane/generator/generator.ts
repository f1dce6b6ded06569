// Istio Pilot's generator: builds CDS, EDS, LDS and RDS resources for a sidecar, a gateway or a proxyless
// gRPC client from the current PushContext. Node-independent outputs (outbound clusters, load assignments,
// route configurations), already packed as Any, are cached per PushContext object, so the many proxies of
// one push share them and a new push starts afresh.

import { anyPack } from "@bufbuild/protobuf/wkt";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { ClusterSchema } from "../../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { ListenerSchema } from "../../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import type { Generated, GeneratedResource, ProxyNode, XdsGenerator, XdsType } from "../../xds/xds-types";
import { inboundCluster, outboundCluster, outboundClustersOf } from "./clusters";
import { loadAssignmentsOf } from "./endpoints";
import { gatewayListener, proxylessListener, VIRTUAL_INBOUND, VIRTUAL_OUTBOUND, virtualInboundListener, virtualOutboundListener } from "./listeners";
import { proxyInfo, type ProxyInfo } from "./proxy-info";
import type { PushContext } from "./push-context";
import { gatewayRouteConfig, gatewayRouteName, outboundRouteConfig, OUTBOUND_ROUTE, parseTarget, proxylessRouteConfig } from "./route-configs";

interface ResourceSet {
  list: GeneratedResource[];
  byName: Map<string, GeneratedResource>;
}

interface PushCache {
  clusters?: ResourceSet;
  endpoints?: ResourceSet;
  proxylessClusters: Map<string, GeneratedResource | null>;
  outboundRoutes: Map<string, GeneratedResource>;
  gatewayRoutes: Map<number, GeneratedResource>;
  proxyless: Map<string, GeneratedResource | null>;
  inbound: Map<string, GeneratedResource>;
}

function packed<D extends DescMessage>(schema: D, name: string, msg: MessageShape<D>): GeneratedResource {
  return { name, resource: anyPack(schema, msg) };
}

function setOf(list: GeneratedResource[]): ResourceSet {
  return { list, byName: new Map(list.map((r) => [r.name, r])) };
}

/** Wildcard (no names): everything; otherwise the requested names that exist, in request order. */
function select(all: ResourceSet, names: readonly string[]): GeneratedResource[] {
  if (names.length === 0) return all.list;
  return pick(names, (n) => all.byName.get(n));
}

function pick(names: readonly string[], get: (name: string) => GeneratedResource | null | undefined): GeneratedResource[] {
  const out: GeneratedResource[] = [];
  for (const n of new Set(names)) {
    const r = get(n);
    if (r) out.push(r);
  }
  return out;
}

function memo<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  if (m.has(k)) return m.get(k) as V;
  const v = make();
  m.set(k, v);
  return v;
}

export function createGenerator(getContext: () => PushContext): XdsGenerator {
  const caches = new WeakMap<PushContext, PushCache>();

  function cacheOf(ctx: PushContext): PushCache {
    let c = caches.get(ctx);
    if (!c) {
      c = { proxylessClusters: new Map(), outboundRoutes: new Map(), gatewayRoutes: new Map(), proxyless: new Map(), inbound: new Map() };
      caches.set(ctx, c);
    }
    return c;
  }

  function clusters(ctx: PushContext, c: PushCache): ResourceSet {
    return (c.clusters ??= setOf(ctx.index.services.flatMap((svc) => outboundClustersOf(svc, ctx.index.drByHost.get(svc.hostname), { proxyless: false }).map((cl) => packed(ClusterSchema, cl.name, cl)))));
  }

  function endpoints(ctx: PushContext, c: PushCache): ResourceSet {
    return (c.endpoints ??= setOf(
      ctx.index.services.flatMap((svc) => loadAssignmentsOf(svc, ctx.index.instancesByHost.get(svc.hostname) ?? [], ctx.index.drByHost.get(svc.hostname)).map((la) => packed(ClusterLoadAssignmentSchema, la.clusterName, la))),
    ));
  }

  /** A proxyless client's cluster by name (outbound|PORT|SUBSET|HOST), built with gRPC's lb limits. */
  function proxylessCluster(ctx: PushContext, c: PushCache, name: string): GeneratedResource | null {
    return memo(c.proxylessClusters, name, () => {
      const [dir, portText, subset, host] = name.split("|");
      const svc = host === undefined ? undefined : ctx.index.servicesByHost.get(host);
      const port = svc?.ports.find((p) => String(p.port) === portText);
      const dr = svc && ctx.index.drByHost.get(svc.hostname);
      if (dir !== "outbound" || !svc || !port || (subset && !dr?.spec.subsets?.some((s) => s.name === subset))) return null;
      return packed(ClusterSchema, name, outboundCluster(svc, port, subset ?? "", dr, { proxyless: true }));
    });
  }

  function inbound(c: PushCache, info: ProxyInfo): GeneratedResource | undefined {
    if (!info.service || info.appPort === undefined) return undefined;
    const { service, appPort, listenHost } = info;
    return memo(c.inbound, `${service}|${appPort}|${listenHost}`, () => {
      const cl = inboundCluster(service, appPort, listenHost);
      return packed(ClusterSchema, cl.name, cl);
    });
  }

  function cds(ctx: PushContext, c: PushCache, info: ProxyInfo, names: readonly string[]): GeneratedResource[] {
    if (info.kind === "proxyless") return pick(names, (n) => proxylessCluster(ctx, c, n));
    const all = clusters(ctx, c);
    const own = info.kind === "sidecar" ? inbound(c, info) : undefined;
    if (!own) return select(all, names);
    if (names.length === 0) return [...all.list, own];
    return pick(names, (n) => (n === own.name ? own : all.byName.get(n)));
  }

  function lds(ctx: PushContext, c: PushCache, info: ProxyInfo, names: readonly string[]): GeneratedResource[] {
    if (info.kind === "proxyless") {
      return pick(names, (n) => memo(c.proxyless, `lds|${info.namespace}|${n}`, () => (parseTarget(ctx, n, info.namespace) ? packed(ListenerSchema, n, proxylessListener(n)) : null)));
    }
    const list: GeneratedResource[] = [];
    const h = info.listenHost;
    if (info.kind === "gateway") {
      if (info.gatewayPort !== undefined) {
        const l = gatewayListener(h, info.gatewayPort);
        list.push(packed(ListenerSchema, l.name, l));
      }
    } else {
      if (info.outboundPort !== undefined) list.push(packed(ListenerSchema, VIRTUAL_OUTBOUND, virtualOutboundListener(h, info.outboundPort)));
      if (info.inboundPort !== undefined && info.service && info.appPort !== undefined) {
        list.push(packed(ListenerSchema, VIRTUAL_INBOUND, virtualInboundListener(h, info.inboundPort, info.service, info.appPort)));
      }
    }
    return select(setOf(list), names);
  }

  function gatewayRoutes(ctx: PushContext, c: PushCache, port: number): GeneratedResource {
    return memo(c.gatewayRoutes, port, () => packed(RouteConfigurationSchema, gatewayRouteName(port), gatewayRouteConfig(ctx, port)));
  }

  function rds(ctx: PushContext, c: PushCache, info: ProxyInfo, names: readonly string[]): GeneratedResource[] {
    if (info.kind === "proxyless") {
      return pick(names, (n) =>
        memo(c.proxyless, `rds|${info.namespace}|${n}`, () => {
          const rc = proxylessRouteConfig(ctx, n, info.namespace);
          return rc ? packed(RouteConfigurationSchema, n, rc) : null;
        }),
      );
    }
    if (info.kind === "gateway") {
      if (names.length === 0) return info.gatewayPort === undefined ? [] : [gatewayRoutes(ctx, c, info.gatewayPort)];
      return pick(names, (n) => {
        const m = /^http\.(\d{1,5})$/.exec(n);
        return m ? gatewayRoutes(ctx, c, Number(m[1])) : undefined;
      });
    }
    const outbound = memo(c.outboundRoutes, info.namespace, () => packed(RouteConfigurationSchema, OUTBOUND_ROUTE, outboundRouteConfig(ctx, info.namespace)));
    return names.length === 0 || names.includes(OUTBOUND_ROUTE) ? [outbound] : [];
  }

  return {
    generate(node: ProxyNode, type: XdsType, names: readonly string[]): Generated {
      const ctx = getContext();
      const c = cacheOf(ctx);
      const info = proxyInfo(node);
      switch (type) {
        case "cluster":
          return { resources: cds(ctx, c, info, names) };
        case "endpoint":
          return { resources: info.kind === "proxyless" && names.length === 0 ? [] : select(endpoints(ctx, c), names) };
        case "listener":
          return { resources: lds(ctx, c, info, names) };
        case "route":
          return { resources: rds(ctx, c, info, names) };
      }
    },
  };
}
