// MeshService: every proxy the control plane knows — the ones running in this process (listeners,
// clusters, endpoints) and any xDS client connected to the ADS server (grpc-js, real Envoys) — with
// per-type sync status as istioctl proxy-status shows it; WatchProxies streams it live; GetConfigDump
// returns an in-process proxy's redacted /config_dump.

import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { MeshService, ProxyRole, SyncState, type GetConfigDumpRequest, type GetConfigDumpResponse, type Proxy as ProxyMsg } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { compileSafeRegex, configDump, type Proxy, type SafeRegex } from "../../proxy-engine";
import type { AdsServer } from "../xds/ads-server";
import { XDS_SHORT, type ProxyKind, type ProxyStatus, type SyncState as State } from "../xds/xds-types";

type Plain<T> = Omit<T, "$typeName">;

const STATE: Record<State, SyncState> = { SYNCED: SyncState.SYNCED, NOT_SENT: SyncState.NOT_SENT, STALE: SyncState.STALE, ERROR: SyncState.ERROR };
const ROLE: Record<ProxyKind, ProxyRole> = { sidecar: ProxyRole.SIDECAR, gateway: ProxyRole.GATEWAY, proxyless: ProxyRole.PROXYLESS };
/** Status streams send at most this often, however busy the ADS server is. */
const WATCH_INTERVAL_MS = 250;

export interface MeshServiceDeps {
  proxies(): readonly Proxy[];
  ads(): AdsServer | undefined;
  stopping: AbortSignal;
}

function syncOf(s: ProxyStatus | undefined): Plain<ProxyMsg>["sync"] {
  return (s?.types ?? []).map((t) => ({
    $typeName: "meshdash.mesh.v1.XdsSync",
    type: XDS_SHORT[t.type],
    state: STATE[t.state],
    sentVersion: t.sentVersion,
    ackedVersion: t.ackedVersion,
    error: t.error,
    lastSentMs: BigInt(t.lastSentAt),
    lastAckMs: BigInt(t.lastAckAt),
    convergenceMs: t.convergenceMs,
    resourceCount: t.resourceCount,
  }));
}

export function listProxies(deps: MeshServiceDeps): Plain<ProxyMsg>[] {
  const statuses = new Map((deps.ads()?.status() ?? []).map((s) => [s.node.id, s]));
  const local = deps.proxies().map((p): Plain<ProxyMsg> => {
    const config = p.config();
    const status = statuses.get(p.id);
    statuses.delete(p.id);
    return {
      id: p.id,
      role: p.role === "gateway" ? ProxyRole.GATEWAY : ProxyRole.SIDECAR,
      configVersion: config.version,
      adminAddress: p.adminAddress() ?? "",
      listeners: p.listeners().map((l) => ({ $typeName: "meshdash.mesh.v1.Listener", ...l })),
      clusters: [...config.clusters.values()].map((c) => ({ $typeName: "meshdash.mesh.v1.Cluster", name: c.name, endpoints: c.endpoints.map((e) => e.address) })),
      sync: syncOf(status),
      inProcess: true,
      connectedAtMs: BigInt(status?.connectedAt ?? 0),
    };
  });
  const remote = [...statuses.values()].map(
    (s): Plain<ProxyMsg> => ({
      id: s.node.id,
      role: ROLE[s.kind],
      configVersion: s.types.map((t) => `${XDS_SHORT[t.type].toLowerCase()}=${t.ackedVersion || "-"}`).join(" "),
      adminAddress: "",
      listeners: [],
      clusters: [],
      sync: syncOf(s),
      inProcess: false,
      connectedAtMs: BigInt(s.connectedAt),
    }),
  );
  return [...local, ...remote].sort((a, b) => a.id.localeCompare(b.id));
}

/** The `resource` sections of a dump, as Envoy names them, for xDS-configured and bootstrap proxies. */
const RESOURCES = {
  dynamic: ["dynamic_listeners", "dynamic_route_configs", "dynamic_active_clusters", "dynamic_endpoint_configs"],
  static: ["static_listeners", "static_route_configs", "static_clusters", "dynamic_endpoint_configs"],
} as const;

export function getConfigDump(deps: MeshServiceDeps, req: Pick<GetConfigDumpRequest, "proxyId" | "resource" | "nameRegex">): Plain<GetConfigDumpResponse> {
  const id = req.proxyId.trim();
  if (!id) throw new ConnectError("proxy_id is required: the node id of a proxy, as ListProxies returns it", Code.InvalidArgument);
  const proxy = deps.proxies().find((p) => p.id === id);
  if (!proxy) {
    const external = deps.ads()?.status().find((s) => s.node.id === id);
    if (external) {
      throw new ConnectError(
        `proxy "${id}" is an external xDS client (${external.kind}${external.node.userAgent ? `, ${external.node.userAgent}` : ""}): its config lives in its own process, so meshdash has no config_dump for it; its per-type sync status is in ListProxies`,
        Code.FailedPrecondition,
      );
    }
    const known = listProxies(deps).length;
    throw new ConnectError(`no proxy "${id}": it neither runs in this process nor is connected to the control plane (ListProxies lists the ${known} known proxies)`, Code.NotFound);
  }
  const config = proxy.config();
  const dynamic = config.resources.dynamic;
  const resources: readonly string[] = dynamic ? RESOURCES.dynamic : RESOURCES.static;
  if (req.resource && !resources.includes(req.resource)) {
    throw new ConnectError(`unknown resource "${req.resource}" for proxy "${id}": one of ${resources.join(", ")}`, Code.InvalidArgument);
  }
  let nameRegex: SafeRegex | undefined;
  if (req.nameRegex) {
    try {
      // RE2, as Envoy takes it: linear time, so no pattern can stall this process.
      nameRegex = compileSafeRegex(req.nameRegex, { fullMatch: false });
    } catch (e) {
      throw new ConnectError(`invalid name_regex: ${(e as Error).message}`, Code.InvalidArgument);
    }
  }
  const dump = configDump(config, dynamic, { resource: req.resource || undefined, nameRegex });
  return { configDump: JSON.stringify(dump, null, 2), configVersion: config.version, appliedAtMs: BigInt(config.appliedAt), dynamic, resources: [...resources] };
}

export function createMeshService(deps: MeshServiceDeps): ServiceImpl<typeof MeshService> {
  return {
    listProxies: () => ({ proxies: listProxies(deps) }),
    getConfigDump: (req) => getConfigDump(deps, req),
    async *watchProxies(_req, ctx) {
      const signal = AbortSignal.any([ctx.signal, deps.stopping]);
      let changed = true;
      let wake: (() => void) | undefined;
      const off = deps.ads()?.onStatus(() => {
        changed = true;
        wake?.();
      });
      try {
        while (!signal.aborted) {
          if (changed) {
            changed = false;
            yield { proxies: listProxies(deps) };
          }
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, WATCH_INTERVAL_MS);
            wake = () => {
              clearTimeout(t);
              // Coalesce bursts: a push touches every proxy within a few ms.
              setTimeout(resolve, WATCH_INTERVAL_MS);
              wake = undefined;
            };
            signal.addEventListener("abort", () => resolve(), { once: true });
          });
        }
      } finally {
        off?.();
      }
    },
  };
}
