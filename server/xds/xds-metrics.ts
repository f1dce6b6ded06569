// Pilot's xDS metrics (names as istiod exports them) and their Prometheus text exposition:
// pushes, push errors and NACKs by type, connected proxies, and change → ACK convergence time in ms.

import { createHistogram, type Histogram } from "../../proxy-engine/stats/stats-store";
import { XDS_SHORT, XDS_TYPES, type XdsType } from "./xds-types";

export type TypeLabel = "cds" | "eds" | "lds" | "rds";

export interface XdsMetricsSnapshot {
  /** pilot_xds_pushes: responses sent, by type. */
  pushes: Record<TypeLabel, number>;
  /** pilot_xds_push_errors: generator failures, by type. */
  pushErrors: Record<TypeLabel, number>;
  /** pilot_total_xds_rejects: NACKs received, by type. */
  rejects: Record<TypeLabel, number>;
  /** pilot_xds: connected streams. */
  connected: number;
  /** pilot_proxy_convergence_time in ms (per-bucket counts; the last slot is above every bound). */
  convergence: { bounds: readonly number[]; counts: number[]; sum: number; count: number };
}

export interface XdsMetrics {
  pushed(type: XdsType): void;
  pushError(type: XdsType): void;
  rejected(type: XdsType): void;
  connection(delta: 1 | -1): void;
  converged(ms: number): void;
  snapshot(): XdsMetricsSnapshot;
  prometheusText(): string;
}

export const typeLabel = (t: XdsType): TypeLabel => XDS_SHORT[t].toLowerCase() as TypeLabel;

const zeros = (): Record<TypeLabel, number> => ({ cds: 0, eds: 0, lds: 0, rds: 0 });

const HELP = {
  pushes: "Pilot build and send counts for lds, rds, cds and eds.",
  pushErrors: "Pilot failures to build a response, by type.",
  rejects: "Total number of xDS responses rejected (NACKed) by proxies, by type.",
  connected: "Number of endpoints connected to this pilot using XDS.",
  convergence: "Delay in milliseconds between a config change and a proxy ACKing all its configuration.",
};

export function createXdsMetrics(): XdsMetrics {
  const pushes = zeros();
  const pushErrors = zeros();
  const rejects = zeros();
  let connected = 0;
  const convergence: Histogram = createHistogram("pilot_proxy_convergence_time");

  const snapshot = (): XdsMetricsSnapshot => ({
    pushes: { ...pushes },
    pushErrors: { ...pushErrors },
    rejects: { ...rejects },
    connected,
    convergence: { bounds: convergence.bounds, counts: [...convergence.counts], sum: convergence.sum, count: convergence.count },
  });

  return {
    pushed: (t) => void pushes[typeLabel(t)]++,
    pushError: (t) => void pushErrors[typeLabel(t)]++,
    rejected: (t) => void rejects[typeLabel(t)]++,
    connection: (d) => void (connected += d),
    converged: (ms) => convergence.record(ms),
    snapshot,
    prometheusText: () => renderPrometheus(snapshot()),
  };
}

function byType(lines: string[], name: string, help: string, values: Record<TypeLabel, number>): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
  for (const t of XDS_TYPES) lines.push(`${name}{type="${typeLabel(t)}"} ${values[typeLabel(t)]}`);
}

/** Prometheus text exposition format 0.0.4. */
export function renderPrometheus(s: XdsMetricsSnapshot): string {
  const lines: string[] = [];
  byType(lines, "pilot_xds_pushes", HELP.pushes, s.pushes);
  byType(lines, "pilot_xds_push_errors", HELP.pushErrors, s.pushErrors);
  byType(lines, "pilot_total_xds_rejects", HELP.rejects, s.rejects);
  lines.push(`# HELP pilot_xds ${HELP.connected}`, "# TYPE pilot_xds gauge", `pilot_xds ${s.connected}`);
  const h = "pilot_proxy_convergence_time";
  lines.push(`# HELP ${h} ${HELP.convergence}`, `# TYPE ${h} histogram`);
  let cumulative = 0;
  s.convergence.bounds.forEach((b, i) => {
    cumulative += s.convergence.counts[i] ?? 0;
    lines.push(`${h}_bucket{le="${b}"} ${cumulative}`);
  });
  lines.push(`${h}_bucket{le="+Inf"} ${s.convergence.count}`, `${h}_sum ${s.convergence.sum}`, `${h}_count ${s.convergence.count}`);
  return lines.join("\n") + "\n";
}
