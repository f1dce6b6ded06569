// The generator's input for one push: the registry snapshot and the validated rules, plus indexes
// precomputed once per push (services and instances by hostname, VirtualServices by host split into
// mesh-bound and gateway-bound, DestinationRules by host) so generating for many proxies stays cheap;
// the registry's indexes are built once per registry snapshot.

import type { RegistrySnapshot, Service, WorkloadInstance } from "../registry/registry-types";
import type { DestinationRule, PolicyRule, VirtualService } from "../rules/istio-types";
import { resolveHost } from "../rules/resolve-host";

export interface PushContextInput {
  version: number;
  registry: RegistrySnapshot;
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  /** CheckRules and Quotas, in store order. */
  policies?: PolicyRule[];
}

export interface PushIndex {
  /** Services sorted by hostname (stable output order). */
  services: readonly Service[];
  servicesByHost: ReadonlyMap<string, Service>;
  instancesByHost: ReadonlyMap<string, readonly WorkloadInstance[]>;
  /** Mesh-bound VirtualServices by resolved FQDN host, in input order. */
  meshVsByHost: ReadonlyMap<string, readonly VirtualService[]>;
  /** Mesh-bound VirtualServices with wildcard hosts ("*.example.com"): [suffix without "*", rule]. */
  meshVsWildcards: readonly (readonly [string, VirtualService])[];
  /** Gateway-bound VirtualServices by host as written (lower-cased; "*" allowed), in first-seen order. */
  gatewayVsByHost: ReadonlyMap<string, readonly VirtualService[]>;
  /** DestinationRules by resolved host; the first rule for a host wins. */
  drByHost: ReadonlyMap<string, DestinationRule>;
}

export interface PushContext extends PushContextInput {
  readonly index: PushIndex;
}

export const MESH_GATEWAY = "mesh";

/** Absent gateways, or a list containing "mesh", bind a rule to sidecars. */
export function isMeshBound(vs: VirtualService): boolean {
  const g = vs.spec.gateways;
  return !g || g.length === 0 || g.includes(MESH_GATEWAY);
}

/** Any gateway name other than "mesh" binds a rule to the ingress gateway. */
export function isGatewayBound(vs: VirtualService): boolean {
  return (vs.spec.gateways ?? []).some((g) => g !== MESH_GATEWAY);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

type RegistryIndex = Pick<PushIndex, "services" | "servicesByHost" | "instancesByHost">;

/** A registry snapshot is immutable, so its indexes are built once (a rule change reuses them). */
const registryIndexes = new WeakMap<RegistrySnapshot, RegistryIndex>();

function registryIndex(registry: RegistrySnapshot): RegistryIndex {
  let ix = registryIndexes.get(registry);
  if (ix) return ix;
  const services = [...registry.services].sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
  const servicesByHost = new Map(services.map((s) => [s.hostname, s]));
  const instancesByHost = new Map<string, WorkloadInstance[]>();
  for (const i of registry.instances) push(instancesByHost, i.service, i);
  ix = { services, servicesByHost, instancesByHost };
  registryIndexes.set(registry, ix);
  return ix;
}

export function buildPushContext(input: PushContextInput): PushContext {
  const { services, servicesByHost, instancesByHost } = registryIndex(input.registry);
  const meshVsByHost = new Map<string, VirtualService[]>();
  const meshVsWildcards: [string, VirtualService][] = [];
  const gatewayVsByHost = new Map<string, VirtualService[]>();
  for (const vs of input.virtualServices) {
    const mesh = isMeshBound(vs);
    const gateway = isGatewayBound(vs);
    for (const host of new Set(vs.spec.hosts)) {
      if (mesh) {
        const fqdn = resolveHost(host, vs.metadata.namespace).toLowerCase();
        if (fqdn.startsWith("*")) meshVsWildcards.push([fqdn.slice(1), vs]);
        else push(meshVsByHost, fqdn, vs);
      }
      if (gateway) push(gatewayVsByHost, host.toLowerCase(), vs);
    }
  }
  const drByHost = new Map<string, DestinationRule>();
  for (const dr of input.destinationRules) {
    const host = resolveHost(dr.spec.host, dr.metadata.namespace).toLowerCase();
    if (!drByHost.has(host)) drByHost.set(host, dr);
  }
  return { ...input, index: { services, servicesByHost, instancesByHost, meshVsByHost, meshVsWildcards, gatewayVsByHost, drByHost } };
}

/** The mesh VirtualServices for a service host: exact host first, else the longest matching wildcard. */
export function meshVirtualServices(ctx: PushContext, hostname: string): readonly VirtualService[] {
  const exact = ctx.index.meshVsByHost.get(hostname);
  if (exact) return exact;
  let best: VirtualService[] = [];
  let bestLen = -1;
  for (const [suffix, vs] of ctx.index.meshVsWildcards) {
    if (!hostname.endsWith(suffix)) continue;
    if (suffix.length > bestLen) {
      best = [vs];
      bestLen = suffix.length;
    } else if (suffix.length === bestLen) best.push(vs);
  }
  return best;
}
