// Renders the stats store in Envoy's admin formats: `name: value` text, JSON, and Prometheus exposition
// with Envoy's tag extraction for cluster and connection-manager stats.

import type { StatsStore } from "../stats/stats-store";

type Stat = ReturnType<StatsStore["snapshot"]>[number];

export function statsText(stats: Stat[]): string {
  return stats.map((s) => `${s.name}: ${s.value}\n`).join("");
}

export function statsJson(stats: Stat[]): string {
  return JSON.stringify({ stats: stats.map((s) => ({ name: s.name, value: s.value })) }, null, 2);
}

const TAGGED: [RegExp, string][] = [
  [/^cluster\.([^.]+(?:\|[^.]*)*)\.(.+)$/, "envoy_cluster_name"],
  [/^http\.([^.]+)\.(.+)$/, "envoy_http_conn_manager_prefix"],
];

function promName(stat: string): { metric: string; labels: string } {
  for (const [re, tag] of TAGGED) {
    const m = re.exec(stat);
    if (m) {
      const family = stat.slice(0, stat.indexOf("."));
      return { metric: sanitize(`envoy_${family}_${m[2]}`), labels: `{${tag}="${escapeLabel(m[1] ?? "")}"}` };
    }
  }
  return { metric: sanitize(`envoy_${stat}`), labels: "" };
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, "_");
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function statsPrometheus(stats: Stat[]): string {
  const families = new Map<string, { type: string; lines: string[] }>();
  for (const s of stats) {
    const { metric, labels } = promName(s.name);
    let f = families.get(metric);
    if (!f) {
      f = { type: s.type, lines: [] };
      families.set(metric, f);
    }
    f.lines.push(`${metric}${labels} ${s.value}`);
  }
  let out = "";
  for (const [metric, f] of families) out += `# TYPE ${metric} ${f.type}\n${f.lines.join("\n")}\n`;
  return out;
}
