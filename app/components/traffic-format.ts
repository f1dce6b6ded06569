// How the Clusters and Overview pages print traffic: request rates, error and success rates, latencies,
// circuit breaker thresholds (Istio's "off" is the uint32 maximum) and short proxy names.

/** Istio leaves circuit breakers at the uint32 maximum, i.e. off. */
export const UNLIMITED = 4_294_967_295;

export function formatRps(rps: number): string {
  if (rps === 0) return "0";
  if (rps < 0.1) return "<0.1";
  if (rps < 10) return rps.toFixed(1);
  if (rps < 10_000) return Math.round(rps).toLocaleString("en-US");
  return `${(rps / 1000).toFixed(1)}k`;
}

/** A 0..1 ratio as a percentage; "—" when there is nothing to divide. */
export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || Number.isNaN(ratio)) return "—";
  if (ratio === 0) return "0%";
  if (ratio === 1) return "100%";
  const pct = ratio * 100;
  if (pct < 0.1) return "<0.1%";
  if (pct > 99.9) return ">99.9%";
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(pct > 99 ? 1 : 0)}%`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return "—";
  if (ms === 0) return "0";
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 100) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

export function formatThreshold(n: number): string {
  return n >= UNLIMITED ? "∞" : n.toLocaleString("en-US");
}

/** istioctl's name for a proxy: "productpage-v1-0.default" from "sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local". */
export function shortProxy(id: string): string {
  const parts = id.split("~");
  return parts.length === 4 && parts[2] ? parts[2] : id;
}

/** Severity of an error rate, for colouring: ok below 1 %, warn below 5 %, else err. */
export function errorLevel(ratio: number | undefined): "ok" | "warn" | "err" | "none" {
  if (ratio === undefined) return "none";
  return ratio < 0.01 ? "ok" : ratio < 0.05 ? "warn" : "err";
}
