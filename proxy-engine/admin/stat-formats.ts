// Renders the stats store in Envoy's admin formats: `name: value` text (histograms as quantiles), JSON, and
// Prometheus text exposition with Envoy's tag extraction for cluster, connection manager and route stats.

import { quantile, type Histogram, type StatSnapshot } from "../stats/stats-store";

const QUANTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1];

function fmt(v: number): string {
  return Number.isNaN(v) ? "nan" : String(Math.round(v * 1000) / 1000);
}

function histogramText(h: Histogram): string {
  if (h.count === 0) return "No recorded values";
  return QUANTILES.map((q) => `P${q * 100}(${fmt(quantile(h, q))},${fmt(quantile(h, q))})`).join(" ");
}

export function statsText(stats: StatSnapshot[]): string {
  return stats.map((s) => `${s.name}: ${s.type === "histogram" ? histogramText(s.histogram) : s.value}\n`).join("");
}

export function statsJson(stats: StatSnapshot[]): string {
  const plain = stats.filter((s) => s.type !== "histogram").map((s) => ({ name: s.name, value: (s as { value: number }).value }));
  const computed = stats
    .filter((s): s is Extract<StatSnapshot, { type: "histogram" }> => s.type === "histogram")
    .map((s) => ({
      name: s.name,
      values: QUANTILES.map((q) => ({ interval: null, cumulative: Number.isNaN(quantile(s.histogram, q)) ? null : quantile(s.histogram, q) })),
    }));
  return JSON.stringify({ stats: [...plain, { histograms: { supported_quantiles: QUANTILES.map((q) => q * 100), computed_quantiles: computed } }] }, null, 2);
}

const TAGGED: [RegExp, string[]][] = [
  [/^cluster\.(.+)\.(upstream_[a-z_0-9]+|membership_[a-z_]+|outlier_detection\.[a-z_]+)$/, ["envoy_cluster_name"]],
  [/^http\.([^.]+)\.(.+)$/, ["envoy_http_conn_manager_prefix"]],
  [/^vhost\.([^.]+)\.route\.(.+)\.(upstream_[a-z_0-9]+)$/, ["envoy_virtual_host", "envoy_route"]],
  [/^tcp\.([^.]+)\.(.+)$/, ["envoy_tcp_prefix"]],
];

function promName(stat: string): { metric: string; labels: string[] } {
  for (const [re, tags] of TAGGED) {
    const m = re.exec(stat);
    if (m) {
      const family = stat.slice(0, stat.indexOf("."));
      const values = m.slice(1, 1 + tags.length);
      const suffix = m[1 + tags.length]!;
      const fam = family === "vhost" ? "vhost_route" : family;
      return { metric: sanitize(`envoy_${fam}_${suffix}`), labels: tags.map((t, i) => `${t}="${escapeLabel(values[i] ?? "")}"`) };
    }
  }
  return { metric: sanitize(`envoy_${stat}`), labels: [] };
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, "_");
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

const braces = (labels: string[]) => (labels.length ? `{${labels.join(",")}}` : "");

export function statsPrometheus(stats: StatSnapshot[]): string {
  const families = new Map<string, { type: string; lines: string[] }>();
  for (const s of stats) {
    const { metric, labels } = promName(s.name);
    let f = families.get(metric);
    if (!f) {
      f = { type: s.type, lines: [] };
      families.set(metric, f);
    }
    if (s.type !== "histogram") {
      f.lines.push(`${metric}${braces(labels)} ${s.value}`);
      continue;
    }
    const h = s.histogram;
    let cumulative = 0;
    h.bounds.forEach((b, i) => {
      cumulative += h.counts[i]!;
      f.lines.push(`${metric}_bucket${braces([...labels, `le="${b}"`])} ${cumulative}`);
    });
    f.lines.push(`${metric}_bucket${braces([...labels, 'le="+Inf"'])} ${h.count}`);
    f.lines.push(`${metric}_sum${braces(labels)} ${h.sum}`);
    f.lines.push(`${metric}_count${braces(labels)} ${h.count}`);
  }
  let out = "";
  for (const [metric, f] of families) out += `# TYPE ${metric} ${f.type}\n${f.lines.join("\n")}\n`;
  return out;
}
