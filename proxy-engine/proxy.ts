// A proxy instance: compiled config, listeners, upstream pools, stats, tap registry and admin API.
// Config swaps are atomic: a request reads the config once when it starts and finishes on that version.
// Listeners are added, kept or drained by name and address as configs change.

import { ProxyDirection } from "../proto/gen/meshdash/tap/v1/tap_pb";
import type { Bootstrap } from "../proto/gen/envoy/config/bootstrap/v3/bootstrap_pb";
import { createAdminServer, type AdminServer } from "./admin/admin-server";
import { compileResources, type CompiledConfig, type CompiledListener } from "./config/compile";
import { ConfigError } from "./config/config-error";
import { resourcesFromBootstrap, type ResourcesWithOrigin } from "./config/resources";
import { createConnectionManager } from "./http/connection-manager";
import { createHcmStats } from "./http/hcm-stats";
import { createUpgradeHandler } from "./http/upgrade";
import { createHttpListener } from "./listener/http-listener";
import type { RunningListener } from "./listener/running-listener";
import { createTcpListener } from "./listener/tcp-listener";
import { runNetworkFilters } from "./listener/network-filters/network-filter";
import type { Socket } from "node:net";
import { createTcpProxyHandler, createTcpProxyStats } from "./listener/tcp-proxy";
import { createStatsStore, type StatsStore } from "./stats/stats-store";
import { createLogger, type Logger } from "./log/logger";
import { createTapRegistry, type TapRegistry } from "./tap/registry";
import { createPoolRegistry } from "./upstream/pool-registry";
import { createHostRegistry, hostKey } from "./upstream/host-registry";
import { createPolicyRuntime } from "./policy/policy-runtime";
import type { ReportAdapter } from "./policy/report";
import { livePolicies, policyStatus, type PolicyStatusData } from "./policy/policy-status";

export type ProxyRole = "sidecar" | "gateway";

export interface ProxyOptions {
  id: string;
  role: ProxyRole;
  bootstrap: Bootstrap;
  /** Admin API address; omit for none. Port 0 picks a free port. */
  admin?: { host: string; port: number; token?: string };
  /** Where policy filters with report=true send finished requests (may be shared by many proxies). */
  reportAdapters?: ReportAdapter[];
}

export interface BoundListener {
  name: string;
  address: string;
}

export interface Proxy {
  readonly id: string;
  readonly role: ProxyRole;
  readonly taps: TapRegistry;
  readonly stats: StatsStore;
  readonly logger: Logger;
  config(): CompiledConfig;
  /**
   * Validates and swaps in a new set of resources, binding new listeners and draining removed ones.
   * Throws ConfigError, keeping the current config, when anything is invalid or a listener cannot bind.
   */
  applyResources(resources: ResourcesWithOrigin, version: string): Promise<void>;
  start(): Promise<void>;
  /** Stops accepting, drains in-flight requests for up to graceMs, then closes everything. */
  stop(graceMs?: number): Promise<void>;
  listeners(): BoundListener[];
  adminAddress(): string | undefined;
  /** Live check rule and quota counts of this proxy's policy filters (PolicyService's ProxyPolicyStatus). */
  policyStatus(): PolicyStatusData;
}

/** Listeners are kept across swaps while their kind and requested address stay the same. */
const listenerKey = (l: CompiledListener) => `${l.kind}@${l.host}:${l.port}`;

export function createProxy(opts: ProxyOptions): Proxy {
  const stats = createStatsStore();
  const logger = createLogger(opts.id);
  const pools = createPoolRegistry();
  const taps = createTapRegistry(stats.gauge("tap.active"));
  const hosts = createHostRegistry();
  const reportErrorsSeen = new Set<string>();
  const policy = createPolicyRuntime({
    proxyId: opts.id,
    role: opts.role,
    adapters: opts.reportAdapters,
    onReportError: (adapter, e) => {
      // Once per adapter: a broken adapter fails every batch, and report_errors counts them.
      if (reportErrorsSeen.has(adapter)) return;
      reportErrorsSeen.add(adapter);
      logger.log("http", "warning", `policy report adapter ${adapter} failed: ${(e as Error).message}; counting further failures in report_errors`);
    },
  });
  const deps = { pools, stats, hosts, policy };
  let current = compileResources(resourcesFromBootstrap(opts.bootstrap), "static-1", deps);
  const running = new Map<string, { key: string; listener: RunningListener }>();
  let admin: AdminServer | undefined;
  let started = false;
  const direction = opts.role === "gateway" ? ProxyDirection.INBOUND : ProxyDirection.OUTBOUND;
  const getConfig = () => current;

  function makeListener(l: CompiledListener): RunningListener {
    // Network filters come from the config current when a connection arrives.
    const gate = (socket: Socket, proceed: () => void) => runNetworkFilters(getConfig().listenerByName.get(l.name)?.networkFilters ?? [], socket, proceed);
    const cx = { total: stats.counter(`listener.${l.name}.downstream_cx_total`), active: stats.gauge(`listener.${l.name}.downstream_cx_active`) };
    const counted = (socket: Socket, proceed: () => void) => {
      cx.total.value++;
      cx.active.value++;
      socket.once("close", () => cx.active.value--);
      gate(socket, proceed);
    };
    if (l.kind === "tcp") return createTcpListener(l.name, l.host, l.port, createTcpProxyHandler(l.name, getConfig, createTcpProxyStats(stats, l.tcp.statPrefix)), counted);
    const hcmStats = createHcmStats(stats, l.hcm.statPrefix);
    return createHttpListener({
      name: l.name,
      host: l.host,
      port: l.port,
      stats: hcmStats,
      onRequest: createConnectionManager({ proxyId: opts.id, listenerName: l.name, direction, getConfig, taps, stats: hcmStats }),
      onUpgrade: createUpgradeHandler(l.name, getConfig, hcmStats),
      headersTimeoutMs: l.hcm.requestHeadersTimeoutMs,
      requestTimeoutMs: l.hcm.requestTimeoutMs,
      idleTimeoutMs: l.hcm.idleTimeoutMs,
      gate: counted,
    });
  }

  /** Binds listeners that are new or changed; on failure unbinds what it bound and throws. */
  async function bindNew(next: CompiledConfig): Promise<Map<string, { key: string; listener: RunningListener }>> {
    const fresh = new Map<string, { key: string; listener: RunningListener }>();
    for (const l of next.listeners) {
      const key = listenerKey(l);
      if (running.get(l.name)?.key === key) continue;
      const listener = makeListener(l);
      try {
        await listener.start();
      } catch (e) {
        await Promise.all([...fresh.values()].map((f) => f.listener.stop(0)));
        throw new ConfigError([{ path: `listeners[${l.name}].address`, message: `cannot bind ${l.host}:${l.port}: ${(e as Error).message}` }]);
      }
      fresh.set(l.name, { key, listener });
    }
    return fresh;
  }

  const proxy: Proxy = {
    id: opts.id,
    role: opts.role,
    taps,
    stats,
    logger,
    config: getConfig,
    async applyResources(resources, version) {
      let next: CompiledConfig;
      try {
        next = compileResources(resources, version, deps);
      } catch (e) {
        logger.log("config", "warning", `rejected config ${version}: ${(e as Error).message}`);
        throw e;
      }
      // DNS clusters resolve before the config goes live (Envoy's cluster warming).
      await Promise.all([...next.clusters.values()].map((c) => c.warm()));
      const fresh = started ? await bindNew(next) : new Map();
      const names = new Set(next.listeners.map((l) => l.name));
      const retired = [...running].filter(([name, r]) => !names.has(name) || fresh.has(name) || r.key !== listenerKey(next.listenerByName.get(name)!));
      const previous = current;
      current = next;
      for (const c of previous.clusters.values()) c.dispose();
      hosts.retain(new Set([...next.clusters.values()].flatMap((c) => c.endpoints.map((e) => hostKey(c.name, e.address)))));
      for (const [name, r] of fresh) running.set(name, r);
      for (const [name, r] of retired) {
        if (!fresh.has(name)) running.delete(name);
        void r.listener.stop(5000);
      }
      pools.retain(next.clusters.keys(), [...next.clusters.values()].map((c) => c.http1));
      const live = livePolicies(next);
      policy.retain(new Set(live.flatMap((p) => p.rules.map((r) => r.name))), new Set(live.flatMap((p) => p.quotas.map((q) => q.name))), new Set(live.flatMap((p) => p.quotas.map((q) => q.buckets))));
      logger.log("config", "info", `applied config ${version}: ${next.listeners.length} listeners, ${next.clusters.size} clusters`);
    },
    async start() {
      await Promise.all([...current.clusters.values()].map((c) => c.warm()));
      for (const [name, r] of await bindNew(current)) running.set(name, r);
      started = true;
      if (opts.admin) {
        admin = createAdminServer({ proxy, ...opts.admin });
        await admin.start();
      }
    },
    async stop(graceMs = 3000) {
      started = false;
      await Promise.all([...[...running.values()].map((r) => r.listener.stop(graceMs)), admin?.stop()]);
      running.clear();
      policy.report?.flush();
      pools.closeAll();
      for (const c of current.clusters.values()) c.dispose();
    },
    listeners() {
      return current.listeners.flatMap((l) => {
        const a = running.get(l.name)?.listener.address();
        return a ? [{ name: l.name, address: `${a.address}:${a.port}` }] : [];
      });
    },
    adminAddress() {
      return admin?.address();
    },
    policyStatus() {
      return policyStatus(policy, livePolicies(current));
    },
  };
  return proxy;
}
