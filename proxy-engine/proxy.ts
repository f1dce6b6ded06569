// A proxy instance: compiled config, listeners, upstream pools, stats, tap registry and admin API.
// Config swaps are atomic: a request reads the config once when it starts and finishes on that version.

import { ProxyDirection } from "../proto/gen/meshdash/tap/v1/tap_pb";
import { createAdminServer, type AdminServer } from "./admin/admin-server";
import type { Bootstrap } from "./config/bootstrap";
import { compileBootstrap, type CompiledConfig } from "./config/compile";
import { ConfigError } from "./config/config-error";
import { createConnectionManager } from "./http/connection-manager";
import { createHcmStats } from "./http/hcm-stats";
import { createHttpListener, type HttpListener } from "./listener/http-listener";
import { createStatsStore, type StatsStore } from "./stats/stats-store";
import { createTapRegistry, type TapRegistry } from "./tap/registry";
import { createPoolRegistry } from "./upstream/pool-registry";

export type ProxyRole = "sidecar" | "gateway";

export interface ProxyOptions {
  id: string;
  role: ProxyRole;
  bootstrap: Bootstrap;
  /** Admin API address; omit for none. Port 0 picks a free port. */
  admin?: { host: string; port: number };
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
  config(): CompiledConfig;
  /** Validates and swaps in a new config; throws ConfigError and keeps the old one if it is invalid. */
  applyBootstrap(bootstrap: Bootstrap, version: string): void;
  start(): Promise<void>;
  /** Stops accepting, drains in-flight requests for up to graceMs, then closes everything. */
  stop(graceMs?: number): Promise<void>;
  listeners(): BoundListener[];
  adminAddress(): string | undefined;
}

export function createProxy(opts: ProxyOptions): Proxy {
  const stats = createStatsStore();
  const pools = createPoolRegistry();
  const taps = createTapRegistry(stats.gauge("tap.active"));
  let current = compileBootstrap(opts.bootstrap, "static-1", { pools, stats });
  const listeners: HttpListener[] = [];
  let admin: AdminServer | undefined;
  const direction = opts.role === "gateway" ? ProxyDirection.INBOUND : ProxyDirection.OUTBOUND;

  const proxy: Proxy = {
    id: opts.id,
    role: opts.role,
    taps,
    stats,
    config: () => current,
    applyBootstrap(bootstrap, version) {
      const next = compileBootstrap(bootstrap, version, { pools, stats });
      const before = current.listeners.map((l) => `${l.name}@${l.host}:${l.port}`).sort().join(",");
      const after = next.listeners.map((l) => `${l.name}@${l.host}:${l.port}`).sort().join(",");
      if (before !== after) {
        throw new ConfigError([{ path: "static_resources.listeners", message: "adding, removing or re-binding listeners at runtime is not supported yet" }]);
      }
      current = next;
      pools.retain(next.clusters.keys());
    },
    async start() {
      for (const l of current.listeners) {
        const hcmStats = createHcmStats(stats, l.statPrefix);
        const listener = createHttpListener({
          name: l.name,
          host: l.host,
          port: l.port,
          stats: hcmStats,
          onRequest: createConnectionManager({
            proxyId: opts.id,
            listenerName: l.name,
            direction,
            getConfig: () => current,
            taps,
            stats: hcmStats,
          }),
        });
        listeners.push(listener);
        await listener.start();
      }
      if (opts.admin) {
        admin = createAdminServer({ proxy, ...opts.admin });
        await admin.start();
      }
    },
    async stop(graceMs = 3000) {
      await Promise.all([...listeners.map((l) => l.stop(graceMs)), admin?.stop()]);
      pools.closeAll();
    },
    listeners() {
      return listeners.flatMap((l) => {
        const a = l.address();
        return a ? [{ name: l.name, address: `${a.address}:${a.port}` }] : [];
      });
    },
    adminAddress() {
      return admin?.address();
    },
  };
  return proxy;
}
