// Which proxies a tap runs on: one proxy by id, the sidecar of one workload, or the sidecars of every
// workload of a service (Istio naming: see proxy-identity.ts). Set fields narrow each other; a name that
// selects nothing is an error that lists what exists.

import type { Scope } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { CompiledConfig } from "../config/compile";
import { parseProxyId, servedServices } from "./proxy-identity";

export class TapScopeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    /** The name matches nothing (NOT_FOUND) rather than being malformed or contradictory. */
    readonly notFound: boolean,
  ) {
    super(`${path}: ${reason}`);
    this.name = "TapScopeError";
  }
}

interface ScopedProxy {
  readonly id: string;
  config(): CompiledConfig;
}

const list = (names: Iterable<string>) => {
  const all = [...new Set(names)].sort();
  return all.length > 12 ? `${all.slice(0, 12).join(", ")}, … (${all.length})` : all.join(", ") || "none";
};

export function selectProxies<P extends ScopedProxy>(proxies: readonly P[], scope: Scope | undefined): P[] {
  let out = [...proxies];
  if (!scope) return out;
  if (scope.proxy) {
    out = out.filter((p) => p.id === scope.proxy);
    if (!proxies.some((p) => p.id === scope.proxy)) throw new TapScopeError("scope.proxy", `no proxy "${scope.proxy}"; proxies: ${list(proxies.map((p) => p.id))}`, true);
  }
  if (scope.workload) {
    const w = scope.workload;
    const of = (p: P) => {
      const id = parseProxyId(p.id);
      return id.type === "sidecar" && (id.workload === w || `${id.workload}.${id.namespace}` === w);
    };
    if (!proxies.some(of)) {
      const known = proxies.map((p) => parseProxyId(p.id)).filter((i) => i.type === "sidecar").map((i) => i.workload);
      throw new TapScopeError("scope.workload", `no sidecar for workload "${w}"; workloads: ${list(known)}`, true);
    }
    out = out.filter(of);
  }
  if (scope.service) {
    const s = scope.service.toLowerCase();
    const served = new Map(proxies.map((p) => [p, servedServices(p.config())]));
    const hosts = new Set([...served.values()].flat().filter((h) => h === s || h.startsWith(`${s}.`)));
    if (hosts.size === 0) throw new TapScopeError("scope.service", `no sidecar serves "${scope.service}"; services: ${list([...served.values()].flat())}`, true);
    if (hosts.size > 1) throw new TapScopeError("scope.service", `"${scope.service}" is ambiguous: ${list(hosts)}; give the full hostname`, false);
    const [host] = hosts;
    out = out.filter((p) => served.get(p)!.includes(host!));
  }
  if (out.length === 0) throw new TapScopeError("scope", "its service, workload and proxy select no proxy in common", false);
  return out;
}
