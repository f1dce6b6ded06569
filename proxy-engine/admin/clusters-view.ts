// GET /clusters in Envoy's text (`cluster::host:port::stat::value`) and JSON shapes.

import type { CompiledConfig } from "../config/compile";
import type { Endpoint } from "../upstream/cluster";

const ejected = (ep: Endpoint) => ep.outlier.ejectedUntil > Date.now();

/**
 * Envoy prints "healthy", or each failing check as "/flag" (e.g. "/failed_active_hc/failed_outlier_check").
 * The admin API, the route tree and the cluster pages all show these same flags.
 */
export function healthFlags(ep: Endpoint, hc: boolean, now = Date.now()): string {
  let f = "";
  if (ep.activeHealth.failed) f += "/failed_active_hc";
  if (hc && ep.activeHealth.pending) f += "/pending_active_hc";
  if (ep.activeHealth.timedOut) f += "/active_hc_timeout";
  if (ep.outlier.ejectedUntil > now) f += "/failed_outlier_check";
  if (ep.edsUnhealthy) f += "/failed_eds_health";
  return f || "healthy";
}

function healthStatus(ep: Endpoint, hc: boolean): Record<string, unknown> {
  return {
    eds_health_status: ep.edsHealth === "UNKNOWN" ? "HEALTHY" : ep.edsHealth,
    ...(ep.activeHealth.failed ? { failed_active_health_check: true } : {}),
    ...(hc && ep.activeHealth.pending ? { pending_active_hc: true } : {}),
    ...(ep.activeHealth.timedOut ? { active_hc_timeout: true } : {}),
    ...(ejected(ep) ? { failed_outlier_check: true } : {}),
  };
}

export function clustersText(config: CompiledConfig): string {
  let out = "";
  for (const c of config.clusters.values()) {
    out += `${c.name}::observability_name::${c.name}\n`;
    for (const ep of c.endpoints) {
      const p = `${c.name}::${ep.address}::`;
      const st = ep.stats;
      out += `${p}cx_active::${st.cx_active}\n${p}cx_connect_fail::${st.cx_connect_fail}\n${p}cx_total::${st.cx_total}\n`;
      out += `${p}rq_active::${st.rq_active}\n${p}rq_error::${st.rq_error}\n`;
      out += `${p}rq_success::${st.rq_success}\n${p}rq_total::${st.rq_total}\n`;
      out += `${p}health_flags::${healthFlags(ep, c.healthChecked)}\n${p}weight::${ep.weight}\n${p}region::${ep.locality.region}\n${p}zone::${ep.locality.zone}\n${p}sub_zone::${ep.locality.subZone}\n`;
      out += `${p}success_rate::-1\n`;
    }
  }
  return out;
}

export function clustersJson(config: CompiledConfig): string {
  const cluster_statuses = [...config.clusters.values()].map((c) => ({
    name: c.name,
    observability_name: c.name,
    host_statuses: c.endpoints.map((ep) => ({
      address: { socket_address: { address: ep.host, port_value: ep.port } },
      stats: Object.entries(ep.stats).map(([name, value]) => ({ name, value: String(value), type: name === "rq_active" || name === "cx_active" ? "GAUGE" : "COUNTER" })),
      health_status: healthStatus(ep, c.healthChecked),
      weight: ep.weight,
      locality: { region: ep.locality.region, zone: ep.locality.zone, sub_zone: ep.locality.subZone },
    })),
  }));
  return JSON.stringify({ cluster_statuses }, null, 2);
}
