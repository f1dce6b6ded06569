// Pilot metrics: counters by type, the connection gauge, the convergence histogram, and a Prometheus
// exposition that a strict line parser accepts (TYPE before samples, cumulative buckets, +Inf = count).

import { describe, expect, it } from "vitest";
import { createXdsMetrics } from "./xds-metrics";

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? (-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/;

describe("xDS metrics", () => {
  it("counts by type and renders valid Prometheus text", () => {
    const m = createXdsMetrics();
    m.pushed("cluster");
    m.pushed("cluster");
    m.pushed("route");
    m.pushError("endpoint");
    m.rejected("listener");
    m.connection(1);
    m.connection(1);
    m.connection(-1);
    m.converged(3);
    m.converged(70);
    const s = m.snapshot();
    expect(s.pushes).toEqual({ cds: 2, eds: 0, lds: 0, rds: 1 });
    expect(s.pushErrors.eds).toBe(1);
    expect(s.rejects.lds).toBe(1);
    expect(s.connected).toBe(1);
    expect(s.convergence).toMatchObject({ count: 2, sum: 73 });

    const text = m.prometheusText();
    expect(text.endsWith("\n")).toBe(true);
    const typed = new Map<string, string>();
    for (const line of text.trimEnd().split("\n")) {
      const t = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line);
      if (t) {
        expect(typed.has(t[1]!)).toBe(false);
        typed.set(t[1]!, t[2]!);
        continue;
      }
      if (line.startsWith("# HELP ")) continue;
      const sample = SAMPLE.exec(line);
      expect(sample, line).not.toBeNull();
      const family = sample![1]!.replace(/_(bucket|sum|count)$/, (x) => (typed.get(sample![1]!.slice(0, -x.length)) === "histogram" ? "" : x));
      expect(typed.has(family), line).toBe(true);
    }
    expect(text).toContain('pilot_xds_pushes{type="cds"} 2');
    expect(text).toContain('pilot_total_xds_rejects{type="lds"} 1');
    expect(text).toContain("pilot_xds 1\n");
    expect(text).toContain('pilot_proxy_convergence_time_bucket{le="1"} 0');
    expect(text).toContain('pilot_proxy_convergence_time_bucket{le="5"} 1');
    expect(text).toContain('pilot_proxy_convergence_time_bucket{le="100"} 2');
    expect(text).toContain('pilot_proxy_convergence_time_bucket{le="+Inf"} 2');
    expect(text).toContain("pilot_proxy_convergence_time_sum 73\npilot_proxy_convergence_time_count 2");
  });
});
