// Istio Pilot's generator: builds CDS, EDS, LDS and RDS resources for a sidecar, a gateway or a proxyless
// gRPC client from the current PushContext. Node-independent outputs (outbound clusters, load assignments,
// route configurations), already packed as Any, are cached per PushContext object, so the many proxies of
// one push share them; a service's clusters and load assignments are also reused across contexts while
// their inputs are unchanged (service-cache.ts), so a push regenerates only what changed.

import { ClusterSchema } from "../../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ListenerSchema } from "../../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import type { Generated, GeneratedResource, ProxyNode, XdsGenerator, XdsType } from "../../xds/xds-types";
import { inboundCluster, outboundCluster } from "./clusters";
import { gatewayListener, proxylessListener, VIRTUAL_INBOUND, VIRTUAL_OUTBOUND, virtualInboundListener, virtualOutboundListener } from "./listeners";
import { policiesFor, policyFilterConfig, policyHttpFilter } from "./policy-filters";
import { proxyInfo, type ProxyInfo } from "./proxy-info";
import { createMeshSets, setOf, type ResourceSet } from "./mesh-sets";
import { packed } from "./packed";
import type { PushContext } from "./push-context";
import { createOutboundRoutes } from "./outbound-routes";
import { gatewayRouteConfig, gatewayRouteName, OUTBOUND_ROUTE, parseTarget, proxylessRouteConfig } from "./route-configs";

interface PushCache {
  proxylessClusters: Map<string, GeneratedResource | null>;
  outboundRoutes: Map<string, GeneratedResource>;
  gatewayRoutes: Map<number, GeneratedResource>;
  proxyless: Map<string, GeneratedResource | null>;
}

/** Memos of answers that depend on the node alone (inbound clusters, listeners) stay across pushes. */
const NODE_MEMO_LIMIT = 10_000;

const ids = new WeakMap<object, number>();
let nextId = 0;

/** A number naming an object (for memo keys). */
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++nextId));
  return id;
}

/** `select` memoized on the set: proxies with the same subscription get the same array. */
function picked(all: ResourceSet, names: readonly string[]): GeneratedResource[] {
  return memo(all.derived, `pick ${keyOfNames(names)}`, () => select(all, names));
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

const nameKeys = new WeakMap<readonly string[], string>();

/** A map key for a subscription's names; the ADS server passes the same list while they are unchanged. */
function keyOfNames(names: readonly string[]): string {
  let key = nameKeys.get(names);
  if (key === undefined) nameKeys.set(names, (key = JSON.stringify(names)));
  return key;
}

/**
 * Characters of string keys a memo map may hold (about 128 MiB): keys carry client-chosen resource names
 * (an EDS subscription's list), so a count limit alone would let distinct huge lists exhaust the heap.
 */
export const MEMO_KEY_CHARS = 64 << 20;
/** The characters of string keys each memo map holds. */
const keyChars = new WeakMap<Map<unknown, unknown>, number>();

export function memo<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  if (m.has(k)) return m.get(k) as V;
  const v = make();
  const chars = typeof k === "string" ? k.length : 0;
  let held = (keyChars.get(m) ?? 0) + chars;
  if (m.size >= NODE_MEMO_LIMIT || held > MEMO_KEY_CHARS) {
    m.clear();
    held = chars;
  }
  // A key bigger than the whole budget is answered, not kept.
  if (held > MEMO_KEY_CHARS) {
    keyChars.set(m, 0);
    return v;
  }
  keyChars.set(m, held);
  m.set(k, v);
  return v;
}

/** What `memo` holds in `m`: entries and key characters (tests). */
export function memoHeld(m: Map<unknown, unknown>): { entries: number; keyChars: number } {
  return { entries: m.size, keyChars: keyChars.get(m) ?? 0 };
}

export function createGenerator(getContext: () => PushContext): XdsGenerator {
  const caches = new WeakMap<PushContext, PushCache>();
  const sets = createMeshSets();
  const outboundRoutes = createOutboundRoutes();
  const inboundClusters = new Map<string, GeneratedResource>();
  const listeners = new Map<string, GeneratedResource[]>();

  function cacheOf(ctx: PushContext): PushCache {
    let c = caches.get(ctx);
    if (!c) {
      c = { proxylessClusters: new Map(), outboundRoutes: new Map(), gatewayRoutes: new Map(), proxyless: new Map() };
      caches.set(ctx, c);
    }
    return c;
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

  function inbound(info: ProxyInfo): GeneratedResource | undefined {
    if (!info.service || info.appPort === undefined) return undefined;
    const { service, appPort, listenHost } = info;
    return memo(inboundClusters, JSON.stringify([service, appPort, listenHost]), () => {
      const cl = inboundCluster(service, appPort, listenHost);
      return packed(ClusterSchema, cl.name, cl);
    });
  }

  function cds(ctx: PushContext, c: PushCache, info: ProxyInfo, names: readonly string[]): GeneratedResource[] {
    if (info.kind === "proxyless") return pick(names, (n) => proxylessCluster(ctx, c, n));
    const all = sets.clusters(ctx);
    const own = info.kind === "sidecar" ? inbound(info) : undefined;
    if (!own) return select(all, names);
    if (names.length === 0) return memo(all.derived, `sidecar ${idOf(own)}`, () => [...all.list, own]);
    return pick(names, (n) => (n === own.name ? own : all.byName.get(n)));
  }

  function lds(ctx: PushContext, c: PushCache, info: ProxyInfo, names: readonly string[]): GeneratedResource[] {
    if (info.kind === "proxyless") {
      return pick(names, (n) => memo(c.proxyless, `lds|${info.namespace}|${n}`, () => (parseTarget(ctx, n, info.namespace) ? packed(ListenerSchema, n, proxylessListener(n)) : null)));
    }
    // The policies that select this workload are part of its listeners, so they are part of the memo key.
    const policies = policiesFor(ctx.policies ?? [], info.namespace, info.labels);
    const key = JSON.stringify([info.kind, info.listenHost, info.gatewayPort, info.outboundPort, info.inboundPort, info.service, info.appPort, policies]);
    const list = memo(listeners, key, () => {
      const out: GeneratedResource[] = [];
      const h = info.listenHost;
      // Check and Quota where requests are admitted (the gateway, a sidecar's inbound); Report everywhere.
      const enforced = policyHttpFilter(policyFilterConfig(policies, true));
      if (info.kind === "gateway") {
        if (info.gatewayPort !== undefined) {
          const l = gatewayListener(h, info.gatewayPort, enforced);
          out.push(packed(ListenerSchema, l.name, l));
        }
      } else {
        if (info.outboundPort !== undefined) out.push(packed(ListenerSchema, VIRTUAL_OUTBOUND, virtualOutboundListener(h, info.outboundPort, policyHttpFilter(policyFilterConfig(policies, false)))));
        if (info.inboundPort !== undefined && info.service && info.appPort !== undefined) {
          out.push(packed(ListenerSchema, VIRTUAL_INBOUND, virtualInboundListener(h, info.inboundPort, info.service, info.appPort, enforced)));
        }
      }
      return out;
    });
    return names.length === 0 ? list : select(setOf(list), names);
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
    const outbound = memo(c.outboundRoutes, info.namespace, () => outboundRoutes.build(ctx, info.namespace));
    return names.length === 0 || names.includes(OUTBOUND_ROUTE) ? [outbound] : [];
  }

  return {
    // Named requests are answered by looking the names up, so answers hold only requested names.
    generate(node: ProxyNode, type: XdsType, names: readonly string[]): Generated {
      const ctx = getContext();
      const c = cacheOf(ctx);
      const info = proxyInfo(node);
      switch (type) {
        case "cluster":
          return { resources: cds(ctx, c, info, names), onlyRequested: true };
        case "endpoint":
          if (names.length === 0) return { resources: info.kind === "proxyless" ? [] : sets.endpoints(ctx).list };
          return { resources: picked(sets.endpoints(ctx), names), onlyRequested: true };
        case "listener":
          return { resources: lds(ctx, c, info, names), onlyRequested: true };
        case "route":
          return { resources: rds(ctx, c, info, names), onlyRequested: true };
      }
    },
  };
}
