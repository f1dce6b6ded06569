// ClusterService: every in-process proxy's clusters (settings, endpoint health, last-minute traffic) as a
// list or a live stream of changed rows, one cluster's endpoints, its live stats history from the shared
// sampler, golden signals per registry service and the endpoints some proxy will not balance to.

import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { setImmediate as nextTurn } from "node:timers/promises";
import { ClusterService, type ClusterKey, type UnhealthyEndpoint } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import type { CompiledCluster, Proxy } from "../../proxy-engine";
import type { ServiceRegistry } from "../control-plane/registry/registry-types";
import type { ClusterRef, ClusterStatsSampler } from "../stats-history/cluster-stats-sampler";
import { istioRef } from "../stats-history/istio-series";
import { clusterMessage, endpointHealthy, endpointMessage, pointMessage, trafficMessage } from "./cluster-messages";
import { buildClusterRows, createClusterRowsCache, diffRows, TRAFFIC_WINDOW_MS, type ClusterRow } from "./cluster-rows";
import { clustersByService, serviceView } from "./service-clusters";

/** A full list goes out in parts this big, with a turn of the event loop between them (proxies keep serving). */
export const WATCH_CHUNK = 1000;
const DEFAULT_UNHEALTHY_LIMIT = 100;
const MAX_UNHEALTHY_LIMIT = 1000;
const MAX_HISTORY_POINTS = 1000;

export interface ClusterServiceDeps {
  proxies(): readonly Proxy[];
  sampler: ClusterStatsSampler;
  registry(): ServiceRegistry;
  stopping: AbortSignal;
}

type Found = { proxy: Proxy; cluster: CompiledCluster };

/** The named proxy's cluster; with no proxy, the gateway's, else the first proxy (by id) that has it. */
function findCluster(deps: ClusterServiceDeps, proxyId: string, name: string): Found & { holders: string[] } {
  if (!name) throw new ConnectError("name: is required", Code.InvalidArgument);
  const proxies = [...deps.proxies()].sort((a, b) => (a.role === b.role ? (a.id < b.id ? -1 : 1) : a.role === "gateway" ? -1 : 1));
  const holders = proxies.filter((p) => p.config().clusters.has(name));
  const proxy = proxyId ? holders.find((p) => p.id === proxyId) : holders[0];
  if (!proxy) {
    if (proxyId && !proxies.some((p) => p.id === proxyId)) throw new ConnectError(`proxy "${proxyId}" is not running in this process`, Code.NotFound);
    throw new ConnectError(proxyId ? `proxy "${proxyId}" has no cluster "${name}"` : `no proxy has a cluster "${name}"`, Code.NotFound);
  }
  return { proxy, cluster: proxy.config().clusters.get(name)!, holders: holders.map((p) => p.id).sort() };
}

/** Resolves on the sampler's next sample or when the signal aborts; `ready` catches samples taken meanwhile. */
function sampleWaiter(sampler: ClusterStatsSampler, signal: AbortSignal) {
  let ready = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    ready = true;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const off = sampler.onSample(poke);
  signal.addEventListener("abort", poke, { once: true });
  return {
    async next(): Promise<void> {
      if (!ready) await new Promise<void>((resolve) => (wake = resolve));
      ready = false;
    },
    close() {
      off();
      signal.removeEventListener("abort", poke);
    },
  };
}

const keyMessage = (key: string): ClusterKey => {
  const i = key.indexOf("\n");
  return { $typeName: "meshdash.cluster.v1.ClusterKey", proxy: key.slice(0, i), name: key.slice(i + 1) };
};

export function createClusterService(deps: ClusterServiceDeps): ServiceImpl<typeof ClusterService> {
  const { sampler } = deps;
  const sharedRows = createClusterRowsCache(deps.proxies, sampler);
  return {
    listClusters(req) {
      const { rows, proxies } = buildClusterRows(deps.proxies(), req.proxy, sampler);
      return { clusters: rows.map((r) => r.message), proxies, windowMs: TRAFFIC_WINDOW_MS };
    },

    async *watchClusters(req, ctx) {
      let current = sharedRows(req.proxy);
      const signal = AbortSignal.any([ctx.signal, deps.stopping]);
      const samples = sampleWaiter(sampler, signal);
      const sent = new Map<string, string>();
      try {
        let changed: ClusterRow[] = current.rows;
        let removed: string[] = [];
        let reset = true;
        while (!signal.aborted) {
          const parts = Math.max(1, Math.ceil(changed.length / WATCH_CHUNK));
          for (let i = 0; i < parts && !signal.aborted; i++) {
            const chunk = changed.slice(i * WATCH_CHUNK, (i + 1) * WATCH_CHUNK);
            const last = i === parts - 1;
            yield { reset: reset && i === 0, clusters: chunk.map((r) => r.message), removed: last ? removed.map(keyMessage) : [], partial: !last, proxies: current.proxies, windowMs: TRAFFIC_WINDOW_MS };
            for (const r of chunk) sent.set(r.key, r.signature);
            if (!last) await nextTurn();
          }
          for (const k of removed) sent.delete(k);
          reset = false;
          // Quiet samples send nothing: wait until one changes a row.
          do {
            await samples.next();
            if (signal.aborted) return;
            current = sharedRows(req.proxy);
            ({ changed, removed } = diffRows(sent, current.rows));
          } while (changed.length === 0 && removed.length === 0);
        }
      } finally {
        samples.close();
      }
    },

    getCluster(req) {
      const { proxy, cluster, holders } = findCluster(deps, req.proxy, req.name);
      const now = Date.now();
      const traffic = sampler.traffic([{ proxy: proxy.id, cluster: cluster.name }], TRAFFIC_WINDOW_MS);
      return {
        cluster: { $typeName: "meshdash.cluster.v1.Cluster", ...clusterMessage(proxy.id, cluster, traffic, now) },
        endpoints: cluster.endpoints.map((ep) => ({ $typeName: "meshdash.cluster.v1.Endpoint", ...endpointMessage(cluster, ep, now) })),
        proxies: holders,
        windowMs: TRAFFIC_WINDOW_MS,
      };
    },

    async *watchClusterStats(req, ctx) {
      const { proxy } = findCluster(deps, req.proxy, req.name);
      const ref: ClusterRef = { proxy: proxy.id, cluster: req.name };
      const signal = AbortSignal.any([ctx.signal, deps.stopping]);
      const base = { intervalMs: sampler.intervalMs, windowMs: sampler.historyMs, proxy: proxy.id };
      const samples = sampleWaiter(sampler, signal);
      try {
        if (signal.aborted) return;
        let sentAt = sampler.samples;
        yield { ...base, history: true, points: sampler.history([ref]).map(pointMessage) };
        for (;;) {
          await samples.next();
          if (signal.aborted) return;
          const missed = sampler.samples - sentAt;
          if (missed <= 0) continue;
          sentAt = sampler.samples;
          // A slow reader may have skipped samples: send every point it has not seen yet.
          const points = missed === 1 ? [sampler.latest(ref)].filter((p) => p !== undefined) : sampler.history([ref]).slice(-missed);
          if (points.length) yield { ...base, history: false, points: points.map(pointMessage) };
        }
      } finally {
        samples.close();
      }
    },

    listServiceStats(req) {
      const points = Math.min(req.historyPoints, MAX_HISTORY_POINTS);
      const registry = deps.registry();
      const index = clustersByService(deps.proxies());
      const services = registry.snapshot().services.map((s) => {
        // Istio's standard metrics from the service's own sidecars when the proxies report them; else clusters.
        const reported = sampler.has(istioRef(s.hostname));
        const { view, refs } = reported ? { view: "inbound", refs: [istioRef(s.hostname)] } : serviceView(index.get(s.hostname));
        return {
          $typeName: "meshdash.cluster.v1.ServiceStats" as const,
          hostname: s.hostname,
          name: s.name,
          namespace: s.namespace,
          view,
          traffic: trafficMessage(sampler.traffic(refs, TRAFFIC_WINDOW_MS)),
          history: points > 0 ? sampler.history(refs, points).map(pointMessage) : [],
          instances: registry.instances(s.hostname).length,
        };
      });
      return { services, windowMs: TRAFFIC_WINDOW_MS, intervalMs: sampler.intervalMs };
    },

    listUnhealthyEndpoints(req) {
      const limit = Math.min(req.limit || DEFAULT_UNHEALTHY_LIMIT, MAX_UNHEALTHY_LIMIT);
      const now = Date.now();
      const endpoints: UnhealthyEndpoint[] = [];
      let total = 0;
      for (const p of [...deps.proxies()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        for (const c of p.config().clusters.values()) {
          for (const ep of c.endpoints) {
            if (endpointHealthy(ep, now)) continue;
            total++;
            if (endpoints.length < limit) {
              endpoints.push({ $typeName: "meshdash.cluster.v1.UnhealthyEndpoint", proxy: p.id, cluster: c.name, endpoint: { $typeName: "meshdash.cluster.v1.Endpoint", ...endpointMessage(c, ep, now) } });
            }
          }
        }
      }
      return { endpoints, total };
    },
  };
}
