// RouteService: each in-process proxy's route tree (listeners → route configurations → virtual hosts →
// routes → clusters → endpoints) with live RPS, success rate and p99 per route, and ExplainRoute, which asks
// the proxy's own router which route a request would take and why the earlier ones did not match.
// The figures come from a sampler of the engine's per-route stats: once a second it copies a route's
// counters and duration histogram only when they moved, so idle routes cost one comparison; it pauses after
// a minute nobody asks, and stops for good with the runtime.

import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { ProxyRole } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import {
  RouteService,
  type ExplainRouteRequest,
  type ExplainRouteResponseSchema,
  type GetRouteTreeResponseSchema,
  type ListenerExplanationSchema,
  type ProxyRoutesSchema,
  type RouteFiguresSchema,
  type RouteSchema,
} from "../../proto/gen/meshdash/route/v1/route_pb";
import { describeRouteMatch, explainRoute, healthFlags, virtualHostsOf, type CompiledConfig, type CompiledRoute, type CompiledRouteTable, type CompiledVirtualHost, type Proxy, type RouteStats } from "../../proxy-engine";
import { quantile } from "../../proxy-engine/stats/stats-store";

type Cluster = CompiledConfig["clusters"] extends ReadonlyMap<string, infer C> ? C : never;
type Endpoint = Cluster["endpoints"][number];

/** Live figures cover at most this much recent time. */
export const WINDOW_MS = 10_000;
const SAMPLE_INTERVAL_MS = 1000;
/** The sampler pauses when nobody has asked for the tree for this long. */
const IDLE_MS = 60_000;
/** Explanations list at most this many verdicts (huge generated route configurations). */
const MAX_ROUTE_VERDICTS = 1000;
const MAX_VIRTUAL_HOST_VERDICTS = 200;

export interface RouteServiceDeps {
  proxies(): readonly Proxy[];
  stopping: AbortSignal;
  /** For tests. */
  now?: () => number;
  sampleIntervalMs?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Sampling per-route stats

interface Sample {
  t: number;
  total: number;
  errors: number;
  counts: number[];
}

export interface RouteFigures {
  rps: number;
  successRate: number;
  p99Ms: number;
  requests: number;
  total: number;
}

export interface RouteSampler {
  /** Marks the figures as wanted (resuming a paused sampler) and returns the window they cover, in ms. */
  touch(): number;
  sample(): void;
  figures(stats: RouteStats): RouteFigures;
  stop(): void;
}

/** Virtual hosts per compiled table; tables are immutable, so this is computed once per config version. */
const hostsCache = new WeakMap<CompiledRouteTable, CompiledVirtualHost[]>();
function hostsOf(table: CompiledRouteTable): CompiledVirtualHost[] {
  let hosts = hostsCache.get(table);
  if (!hosts) {
    hosts = virtualHostsOf(table).map((v) => v.virtualHost);
    hostsCache.set(table, hosts);
  }
  return hosts;
}

export function createRouteSampler(deps: RouteServiceDeps): RouteSampler {
  const now = deps.now ?? Date.now;
  // Keyed by the route's upstream_rq_total counter, which every config version of a named route shares.
  const rings = new Map<RouteStats["upstream_rq_total"], { samples: Sample[]; seen: number }>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let startedAt = 0;
  let wantedAt = 0;
  let tick = 0;
  let stopped = false;

  function record(stats: RouteStats, t: number): void {
    let ring = rings.get(stats.upstream_rq_total);
    if (!ring) {
      ring = { samples: [], seen: 0 };
      rings.set(stats.upstream_rq_total, ring);
    }
    if (ring.seen === tick) return;
    ring.seen = tick;
    const last = ring.samples[ring.samples.length - 1];
    // Unchanged since the last sample: that sample still describes this moment.
    if (last && last.total === stats.upstream_rq_total.value) return;
    ring.samples.push({ t, total: stats.upstream_rq_total.value, errors: stats.upstream_rq_5xx.value, counts: stats.upstream_rq_time.counts.slice() });
    // Keep one sample at or before the window's start as the baseline; drop older ones.
    const cutoff = t - WINDOW_MS;
    while (ring.samples.length > 1 && ring.samples[1]!.t <= cutoff) ring.samples.shift();
  }

  const sampler: RouteSampler = {
    sample() {
      const t = now();
      tick++;
      for (const p of deps.proxies()) {
        for (const l of p.config().listeners) {
          const table = l.kind === "http" ? l.hcm.routeTable : undefined;
          if (!table) continue;
          for (const vh of hostsOf(table)) for (const r of vh.routes) if (r.stats) record(r.stats, t);
        }
      }
      // Routes gone from every config are forgotten.
      for (const [k, ring] of rings) if (ring.seen !== tick) rings.delete(k);
    },
    touch() {
      wantedAt = now();
      if (!timer && !stopped) {
        rings.clear();
        startedAt = wantedAt;
        sampler.sample();
        timer = setInterval(() => {
          if (now() - wantedAt > IDLE_MS) return pause();
          sampler.sample();
        }, deps.sampleIntervalMs ?? SAMPLE_INTERVAL_MS);
        timer.unref?.();
      }
      return timer ? Math.min(WINDOW_MS, wantedAt - startedAt) : 0;
    },
    figures(stats) {
      const total = stats.upstream_rq_total.value;
      const none = { rps: 0, successRate: 1, p99Ms: 0, requests: 0, total };
      const samples = rings.get(stats.upstream_rq_total)?.samples;
      if (!samples?.length) return none;
      const t = now();
      const cutoff = t - WINDOW_MS;
      let base = samples[0]!;
      for (const s of samples) if (s.t <= cutoff) base = s;
      // A sample holds until the next one, so a baseline older than the window stands for the window's start.
      const spanMs = t - Math.max(base.t, cutoff);
      const requests = total - base.total;
      if (spanMs < SAMPLE_INTERVAL_MS / 2 || requests <= 0) return none;
      const errors = stats.upstream_rq_5xx.value - base.errors;
      const h = stats.upstream_rq_time;
      const counts = h.counts.map((c, i) => c - (base.counts[i] ?? 0));
      const p99 = quantile({ name: h.name, bounds: h.bounds, counts, sum: 0, count: counts.reduce((a, b) => a + b, 0), record() {} }, 0.99);
      return { rps: (requests * 1000) / spanMs, successRate: Math.max(0, 1 - errors / requests), p99Ms: Number.isFinite(p99) ? p99 : 0, requests, total };
    },
    stop() {
      stopped = true;
      pause();
    },
  };

  function pause() {
    clearInterval(timer);
    timer = undefined;
    rings.clear();
  }

  deps.stopping.addEventListener("abort", () => sampler.stop(), { once: true });
  return sampler;
}

// ---------------------------------------------------------------------------------------------------------
// The route tree

const versionOf = (config: CompiledConfig, type: "rds" | "lds") => new RegExp(`(?:^|\\s)${type}=(\\S+)`).exec(config.version)?.[1] ?? config.version;

function endpointHealth(ep: Endpoint, healthChecked: boolean, t: number): { healthy: boolean; health: string } {
  const health = healthFlags(ep, healthChecked, t);
  return { healthy: health === "healthy", health };
}

function pathPrefixOf(r: CompiledRoute): string {
  // A prefix every matching path starts with, for a Tap filter; case-insensitive or regex routes have none.
  if (!r.caseSensitive || r.pathRegex) return "";
  return r.pathValue;
}

type RouteInit = MessageInitShape<typeof RouteSchema>;

function routeInit(r: CompiledRoute, index: number, sampler: RouteSampler, clusterNames: Set<string>): RouteInit {
  const a = r.action;
  let action: RouteInit["action"];
  if (a.kind === "forward") {
    const t = a.target;
    const clusters = t.kind === "cluster" ? [{ name: t.name, weight: 1 }] : t.kind === "weighted" ? t.clusters.map((c) => ({ name: c.name, weight: c.weight })) : [];
    for (const c of clusters) clusterNames.add(c.name);
    action = {
      action: {
        case: "forward",
        value: {
          clusters,
          weighted: t.kind === "weighted",
          totalWeight: t.kind === "weighted" ? t.total : clusters.length,
          clusterHeader: t.kind === "header" ? t.header : "",
          timeoutMs: a.timeoutMs,
          retryPolicy: a.retry ? { retryOn: [...a.retry.retryOn], numRetries: a.retry.numRetries, perTryTimeoutMs: a.retry.perTryTimeoutMs } : undefined,
          prefixRewrite: a.prefixRewrite ?? "",
          regexRewrite: a.regexRewrite ? `${a.regexRewrite.re.source} → ${a.regexRewrite.substitution}` : "",
          hostRewrite: a.hostRewrite ?? "",
        },
      },
    };
  } else if (a.kind === "redirect") {
    action = { action: { case: "redirect", value: { status: a.status, scheme: a.scheme ?? "", host: a.host ?? "", port: a.port ?? 0, path: a.path ?? "", prefixRewrite: a.prefixRewrite ?? "", stripQuery: a.stripQuery } } };
  } else {
    action = { action: { case: "directResponse", value: { status: a.status, bodyBytes: a.body?.length ?? 0 } } };
  }
  let figures: MessageInitShape<typeof RouteFiguresSchema> | undefined;
  if (r.stats) {
    const f = sampler.figures(r.stats);
    figures = { rps: f.rps, successRate: f.successRate, p99Ms: f.p99Ms, requests: BigInt(f.requests), total: BigInt(f.total) };
  }
  return { name: r.name, index, match: describeRouteMatch(r), pathPrefix: pathPrefixOf(r), action, figures };
}

export function proxyRoutes(p: Proxy, sampler: RouteSampler, t = Date.now()): MessageInitShape<typeof ProxyRoutesSchema> {
  const config = p.config();
  const bound = new Map(p.listeners().map((l) => [l.name, l.address]));
  const clusterNames = new Set<string>();
  const listeners = config.listeners.flatMap((l) => {
    if (l.kind !== "http") return [];
    const table = l.hcm.routeTable;
    const rds = l.hcm.rdsName !== undefined;
    const virtualHosts = table
      ? virtualHostsOf(table).map(({ virtualHost, domains }) => ({
          name: virtualHost.name,
          domains,
          routes: virtualHost.routes.map((r, i) => routeInit(r, i, sampler, clusterNames)),
        }))
      : [];
    return [
      {
        name: l.name,
        address: bound.get(l.name) ?? "",
        statPrefix: l.hcm.statPrefix,
        routeConfiguration: { name: table?.name ?? l.hcm.rdsName ?? "", version: rds ? versionOf(config, "rds") : versionOf(config, "lds"), rds, pending: !table, virtualHosts },
      },
    ];
  });
  const clusters = [...clusterNames].sort().map((name) => {
    const c = config.clusters.get(name);
    if (!c) return { name, found: false };
    return {
      name,
      found: true,
      type: c.type,
      lbPolicy: c.lbPolicy,
      endpoints: c.endpoints.map((ep) => ({
        address: ep.address,
        ...endpointHealth(ep, c.healthChecked, t),
        weight: ep.weight,
        priority: ep.priority,
        locality: [ep.locality.region, ep.locality.zone, ep.locality.subZone].filter(Boolean).join("/"),
      })),
    };
  });
  return { id: p.id, role: p.role === "gateway" ? ProxyRole.GATEWAY : ProxyRole.SIDECAR, configVersion: config.version, listeners, clusters };
}

// ---------------------------------------------------------------------------------------------------------
// Explanations

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function validateExplainRequest(req: Pick<ExplainRouteRequest, "proxy" | "method" | "authority" | "path" | "headers">): void {
  const bad = (msg: string) => new ConnectError(msg, Code.InvalidArgument);
  if (!req.proxy.trim()) throw bad("proxy: required (a proxy's node id, as ListProxies returns it)");
  if (req.method && !/^[A-Za-z]+$/.test(req.method)) throw bad(`method: "${req.method}" is not an HTTP method`);
  if (!req.path.startsWith("/")) throw bad(`path: must start with "/", got "${req.path}"`);
  if (/\s/.test(req.path)) throw bad("path: must not contain spaces");
  if (/\s/.test(req.authority)) throw bad("authority: must not contain spaces");
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith(":")) throw bad(`headers: "${name}": pseudo-headers come from the method, authority and path fields`);
    if (!TOKEN.test(name)) throw bad(`headers: "${name}" is not a valid header name`);
  }
}

function findProxy(deps: RouteServiceDeps, id: string): Proxy {
  const p = deps.proxies().find((x) => x.id === id);
  if (!p) throw new ConnectError(`no proxy "${id}" runs in this process (MeshService.ListProxies lists them; external xDS clients have no route tree here)`, Code.NotFound);
  return p;
}

export function explainOnProxy(p: Proxy, req: Pick<ExplainRouteRequest, "listener" | "method" | "authority" | "path" | "headers">): MessageInitShape<typeof ExplainRouteResponseSchema> {
  const config = p.config();
  const http = config.listeners.filter((l) => l.kind === "http");
  let targets = http;
  if (req.listener) {
    const l = config.listenerByName.get(req.listener);
    if (!l) throw new ConnectError(`listener: proxy "${p.id}" has no listener "${req.listener}" (it has ${config.listeners.map((x) => `"${x.name}"`).join(", ") || "none"})`, Code.NotFound);
    if (l.kind !== "http") throw new ConnectError(`listener: "${req.listener}" is a TCP proxy listener; it has no routes`, Code.FailedPrecondition);
    targets = [l];
  }
  const listeners = targets.map((l): MessageInitShape<typeof ListenerExplanationSchema> => {
    const hcm = l.kind === "http" ? l.hcm : undefined;
    const table = hcm?.routeTable;
    if (!table) return { listener: l.name, routeConfiguration: hcm?.rdsName ?? "", summary: `no route: route configuration "${hcm?.rdsName ?? ""}" has not been received yet` };
    const e = explainRoute(table, { method: (req.method || "GET").toUpperCase(), authority: req.authority, path: req.path, headers: req.headers });
    const hosts = [...e.virtualHosts.filter((v) => v.chosen || v.matchedDomain), ...e.virtualHosts.filter((v) => !v.chosen && !v.matchedDomain)];
    const verdict = (v: (typeof e.routes)[number]) => ({ index: v.index, name: v.route.name, matched: v.matched, reason: v.reason });
    // Keep the routes nearest the decision when there are too many to list.
    const routes = e.routes.length > MAX_ROUTE_VERDICTS ? e.routes.slice(-MAX_ROUTE_VERDICTS) : e.routes;
    return {
      listener: l.name,
      routeConfiguration: e.routeConfiguration,
      summary: e.summary,
      virtualHost: e.virtualHost?.name ?? "",
      route: e.route ? verdict(e.route) : undefined,
      virtualHosts: hosts.slice(0, MAX_VIRTUAL_HOST_VERDICTS).map((v) => ({ name: v.virtualHost.name, chosen: v.chosen, matchedDomain: v.matchedDomain ?? "", reason: v.reason })),
      routes: routes.map(verdict),
      omittedVirtualHosts: Math.max(0, hosts.length - MAX_VIRTUAL_HOST_VERDICTS),
      omittedRoutes: e.routes.length - routes.length,
    };
  });
  return { listeners };
}

// ---------------------------------------------------------------------------------------------------------

export { RouteService };

export function createRouteService(deps: RouteServiceDeps, sampler = createRouteSampler(deps)): ServiceImpl<typeof RouteService> {
  // Start sampling now, so the first visit to the page already has figures.
  sampler.touch();
  return {
    getRouteTree(req): MessageInitShape<typeof GetRouteTreeResponseSchema> {
      const windowMs = sampler.touch();
      const id = req.proxy.trim();
      const proxies = id ? [findProxy(deps, id)] : deps.proxies();
      const t = (deps.now ?? Date.now)();
      return { proxies: proxies.map((p) => proxyRoutes(p, sampler, t)), windowSeconds: windowMs >= SAMPLE_INTERVAL_MS / 2 ? windowMs / 1000 : 0 };
    },
    explainRoute(req) {
      validateExplainRequest(req);
      return explainOnProxy(findProxy(deps, req.proxy.trim()), req);
    },
  };
}
