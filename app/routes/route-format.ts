// How the Routes page prints a route: its action in a few words, timeout and retries, and its live
// figures (requests per second, success rate, p99), with "—" when the window saw no requests.

import type { Route, RouteFigures } from "../../proto/gen/meshdash/route/v1/route_pb";

export function formatDurationMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(2)}s`;
}

export function formatRps(rps: number): string {
  if (rps === 0) return "0";
  if (rps < 0.1) return "<0.1";
  if (rps < 100) return rps.toFixed(1);
  return Math.round(rps).toLocaleString("en-US");
}

export function formatSuccess(rate: number): string {
  if (rate >= 1) return "100%";
  const pct = rate * 100;
  return pct > 99.9 ? ">99.9%" : `${pct.toFixed(pct < 10 ? 1 : pct > 99 ? 1 : 0)}%`;
}

export interface FigureCells {
  rps: string;
  success: string;
  p99: string;
  /** The success rate is below 99 %. */
  failing: boolean;
}

export function figureCells(f: RouteFigures | undefined): FigureCells {
  if (!f) return { rps: "", success: "", p99: "", failing: false };
  if (f.requests === 0n) return { rps: "0", success: "—", p99: "—", failing: false };
  return { rps: formatRps(f.rps), success: formatSuccess(f.successRate), p99: formatDurationMs(f.p99Ms), failing: f.successRate < 0.99 };
}

/** e.g. "→ outbound|9080||ratings…", "→ 3 weighted clusters", "redirect 301 → https://x/", "direct response 503". */
export function actionSummary(route: Route): string {
  const a = route.action?.action;
  switch (a?.case) {
    case "forward": {
      const f = a.value;
      if (f.clusterHeader) return `→ cluster from header "${f.clusterHeader}"`;
      if (f.weighted) return `→ ${f.clusters.length} weighted clusters`;
      return `→ ${f.clusters[0]?.name ?? "?"}`;
    }
    case "redirect": {
      const r = a.value;
      const target = `${r.scheme ? `${r.scheme}://` : ""}${r.host}${r.port ? `:${r.port}` : ""}${r.path || (r.prefixRewrite ? `${r.prefixRewrite}…` : "")}`;
      return `redirect ${r.status}${target ? ` → ${target}` : ""}`;
    }
    case "directResponse":
      return `direct response ${a.value.status}${a.value.bodyBytes ? ` (${a.value.bodyBytes} B)` : ""}`;
    default:
      return "no action";
  }
}

/** Timeout, retries and rewrites in words, e.g. ["timeout 3s", "2 retries on 5xx, reset (1s per try)"]. */
export function policySummary(route: Route): string[] {
  const a = route.action?.action;
  if (a?.case !== "forward") return [];
  const f = a.value;
  const out = [f.timeoutMs ? `timeout ${formatDurationMs(f.timeoutMs)}` : "no timeout"];
  const r = f.retryPolicy;
  if (r && r.numRetries > 0) out.push(`${r.numRetries} ${r.numRetries === 1 ? "retry" : "retries"} on ${r.retryOn.join(", ") || "nothing"}${r.perTryTimeoutMs ? ` (${formatDurationMs(r.perTryTimeoutMs)} per try)` : ""}`);
  if (f.prefixRewrite) out.push(`prefix rewrite ${f.prefixRewrite}`);
  if (f.regexRewrite) out.push(`regex rewrite ${f.regexRewrite}`);
  if (f.hostRewrite) out.push(`host rewrite ${f.hostRewrite}`);
  return out;
}

/** A weight as a share of the route's traffic, e.g. "50%". */
export function formatShare(share: number): string {
  const pct = share * 100;
  return Number.isInteger(pct) ? `${pct}%` : `${pct.toFixed(1)}%`;
}

/** istioctl's short name for a proxy: "productpage-v1-0.default" from "sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local". */
export function proxyLabel(id: string): string {
  const parts = id.split("~");
  return parts.length === 4 && parts[2] ? parts[2] : id;
}
