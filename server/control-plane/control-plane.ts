// The control plane's composition (Istio Pilot in one object): config store + registry → push context →
// generator → debounced push over the ADS server. A store commit pushes every type; an endpoint-only
// registry change pushes EDS alone. The push context is rebuilt once per push, never per proxy, and a
// proxy is sent only the types (and RDS/EDS resources) whose bytes changed for it.

import { createAdsServer, type AdsServer, type XdsLog } from "../xds/ads-server";
import type { ProxyStatus, PushRequest, XdsType } from "../xds/xds-types";
import { rulesFromStore, splitRules } from "./changes/rule-records";
import { createGenerator } from "./generator/generator";
import { buildPushContext, type PushContext } from "./generator/push-context";
import { createDebouncer, type Debouncer } from "./push/debouncer";
import type { MutableServiceRegistry } from "./registry/service-registry";
import type { RoutingRule } from "./rules/istio-types";
import type { ConfigStore } from "./store/config-store";

export interface ControlPlaneOptions {
  store: ConfigStore;
  registry: MutableServiceRegistry;
  /** `token`: required from every xDS client (as a bearer token) when the server is reachable beyond loopback. */
  xds: { host: string; port: number; token?: string };
  /** PILOT_DEBOUNCE_AFTER and PILOT_DEBOUNCE_MAX; defaults 100 ms and 10 s. */
  debounce?: { afterMs: number; maxMs: number };
  pushConcurrency?: number;
  log?: XdsLog;
}

export interface ControlPlane {
  readonly store: ConfigStore;
  readonly registry: MutableServiceRegistry;
  readonly ads: AdsServer;
  /** Resolves with the ADS server's bound host:port. */
  start(): Promise<string>;
  stop(): Promise<void>;
  /** The push context proxies are generated from right now. */
  pushContext(): PushContext;
  /** Builds a push context for the current registry and the given rules (for dry runs). */
  contextFor(rules: readonly RoutingRule[]): PushContext;
  /** Resolves when no push is pending or running. */
  idle(): Promise<void>;
  /**
   * Resolves once no push is pending and at least `proxies` proxies are connected with every type SYNCED
   * (ACKed, so applied); rejects after `timeoutMs` naming the proxies that are not.
   */
  synced(proxies: number, timeoutMs: number): Promise<void>;
  /** Debounce statistics for the UI and metrics. */
  pushStats(): { pushes: number; lastPushAt: number; lastDebounceMs: number; lastMerged: number };
}

export const ALL_TYPES: ReadonlySet<XdsType> = new Set(["cluster", "endpoint", "listener", "route"]);
const EDS_ONLY: ReadonlySet<XdsType> = new Set(["endpoint"]);

export function createControlPlane(opts: ControlPlaneOptions): ControlPlane {
  const { store, registry } = opts;
  let contextVersion = 0;
  const contextFor = (rules: readonly RoutingRule[]) => buildPushContext({ version: ++contextVersion, registry: registry.snapshot(), ...splitRules(rules) });
  const fromStore = () => contextFor(rulesFromStore(store.list()));
  let current = fromStore();
  const generator = createGenerator(() => current);
  const ads = createAdsServer({
    host: opts.xds.host,
    port: opts.xds.port,
    token: opts.xds.token,
    generator,
    pushConcurrency: opts.pushConcurrency,
    log: opts.log,
    // Only what changed goes out, uncompressed, straight from the shared encoded resources.
    skipUnchanged: true,
    compressResponses: false,
  });
  const stats = { pushes: 0, lastPushAt: 0, lastDebounceMs: 0, lastMerged: 0 };
  const debouncer: Debouncer = createDebouncer({
    afterMs: opts.debounce?.afterMs ?? 100,
    maxMs: opts.debounce?.maxMs ?? 10_000,
    onFire(waited, merged) {
      stats.lastDebounceMs = waited;
      stats.lastMerged = merged;
    },
    async fire(req: PushRequest) {
      // Endpoint-only pushes keep the rules of the running context; anything else re-reads the store.
      current = isEdsOnly(req) ? contextFor([...current.virtualServices, ...current.destinationRules]) : fromStore();
      stats.pushes++;
      stats.lastPushAt = Date.now();
      await ads.push(req);
    },
    onError: (e) => (opts.log ?? console.error)("error", `push failed: ${(e as Error).message}`),
  });
  const unsubscribe = [
    store.onCommit((info) => debouncer.request({ types: ALL_TYPES, changedAt: info.time, reason: `revision ${info.revision}: ${info.message}` })),
    registry.onChange((change) => debouncer.request({ types: change.services ? ALL_TYPES : EDS_ONLY, changedAt: Date.now(), reason: change.services ? "services changed" : "endpoints changed" })),
  ];
  return {
    store,
    registry,
    ads,
    start: () => ads.start(),
    async stop() {
      for (const u of unsubscribe) u();
      debouncer.stop();
      await ads.stop();
    },
    pushContext: () => current,
    contextFor,
    idle: () => debouncer.idle(),
    async synced(proxies, timeoutMs) {
      await debouncer.idle();
      await whenSynced(ads, proxies, timeoutMs);
    },
    pushStats: () => ({ ...stats }),
  };
}

function whenSynced(ads: AdsServer, proxies: number, timeoutMs: number): Promise<void> {
  const lagging = (s: ProxyStatus[]) => s.filter((p) => p.types.some((t) => t.state !== "SYNCED"));
  const done = (s: ProxyStatus[]) => s.length >= proxies && lagging(s).length === 0;
  if (done(ads.status())) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      const s = ads.status();
      const names = lagging(s).map((p) => `${p.node.id} (${p.types.filter((t) => t.state !== "SYNCED").map((t) => `${t.type} ${t.state}`).join(", ")})`);
      reject(new Error(`not synced after ${timeoutMs} ms: ${s.length}/${proxies} proxies connected${names.length ? `; lagging: ${names.join("; ")}` : ""}`));
    }, timeoutMs);
    const off = ads.onStatus((s) => {
      if (!done(s)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function isEdsOnly(req: PushRequest): boolean {
  return [...req.types].every((t) => t === "endpoint");
}
