// Outlier detection rules with fake hosts: success rate against the cluster's mean and spread,
// max_ejection_percent, and ejection time growing with each ejection.

import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { OutlierDetectionSchema } from "../../proto/gen/envoy/config/cluster/v3/outlier_detection_pb";
import { createStatsStore } from "../stats/stats-store";
import type { OutlierState } from "../upstream/host-registry";
import { compileOutlierDetection, createOutlierDetector, outlierStats, type OutlierDetector } from "./outlier-detection";

const state = (): { outlier: OutlierState } => ({ outlier: { consecutive5xx: 0, consecutiveGatewayFailure: 0, consecutiveLocalOriginFailure: 0, intervalRequests: 0, intervalSuccesses: 0, ejections: 0, ejectedUntil: 0 } });

function detector(json: object, n: number): { hosts: ReturnType<typeof state>[]; d: OutlierDetector; stats: ReturnType<typeof outlierStats> } {
  const cfg = compileOutlierDetection(fromJson(OutlierDetectionSchema, json as JsonValue), "outlier_detection")!;
  const hosts = Array.from({ length: n }, state);
  const stats = outlierStats(createStatsStore(), "c");
  return { hosts, d: createOutlierDetector(cfg, () => hosts, stats, () => {}), stats };
}

describe("outlier detection rules", () => {
  it("ejects by success rate: a host far below the others' mean, with enough requests", async () => {
    const { hosts, d, stats } = detector({ interval: "0.05s", success_rate_minimum_hosts: 5, success_rate_request_volume: 100, consecutive_5xx: 1000000, max_ejection_percent: 50 }, 6);
    hosts.forEach((h, i) => {
      for (let k = 0; k < 200; k++) d.onResponse(h, i === 5 ? (k % 2 ? 500 : 200) : k % 50 === 0 ? 500 : 200);
    });
    while (stats.ejections_enforced_success_rate.value === 0) await new Promise((r) => setTimeout(r, 10));
    expect(stats.ejections_enforced_success_rate.value).toBe(1);
    expect(d.isEjected(hosts[5]!, Date.now())).toBe(true);
    expect(hosts.slice(0, 5).some((h) => d.isEjected(h, Date.now()))).toBe(false);
    d.dispose();
  });

  it("ejects on consecutive gateway failures when enforced, and on local-origin failures when they are split out", () => {
    const gw = detector({ consecutive_5xx: 100, consecutive_gateway_failure: 3, enforcing_consecutive_gateway_failure: 100, max_ejection_percent: 100 }, 1);
    gw.d.onResponse(gw.hosts[0]!, 502);
    gw.d.onResponse(gw.hosts[0]!, 503);
    expect(gw.stats.ejections_enforced_total.value).toBe(0);
    gw.d.onResponse(gw.hosts[0]!, 504);
    expect(gw.stats.ejections_enforced_consecutive_gateway_failure.value).toBe(1);
    gw.d.dispose();
    const lo = detector({ split_external_local_origin_errors: true, consecutive_local_origin_failure: 2, consecutive_5xx: 2, max_ejection_percent: 100 }, 1);
    lo.d.onLocalOriginFailure(lo.hosts[0]!);
    lo.d.onResponse(lo.hosts[0]!, 500); // an upstream 5xx does not reset the local-origin count...
    expect(lo.stats.ejections_enforced_total.value).toBe(0);
    lo.d.onLocalOriginFailure(lo.hosts[0]!); // ...so the second local failure ejects
    expect(lo.stats.ejections_enforced_consecutive_local_origin_failure.value).toBe(1);
    lo.d.dispose();
  });

  it("caps ejections at max_ejection_percent (but can always eject one) and counts the overflow", () => {
    const { hosts, d, stats } = detector({ consecutive_5xx: 1, max_ejection_percent: 10 }, 5);
    for (const h of hosts) d.onResponse(h, 503);
    // 10% of 5 rounds down to 0; one host may still go.
    expect(stats.ejections_active.value).toBe(1);
    expect(stats.ejections_overflow.value).toBe(4);
    d.dispose();
  });

  it("ejects for base_ejection_time × the number of ejections, capped by max_ejection_time", () => {
    const { hosts, d } = detector({ consecutive_5xx: 1, base_ejection_time: "10s", max_ejection_time: "25s", max_ejection_percent: 100 }, 1);
    const h = hosts[0]!;
    const ejectFor = () => {
      h.outlier.ejectedUntil = 0; // as if the previous ejection had ended
      const t0 = Date.now();
      d.onResponse(h, 500);
      return Math.round((h.outlier.ejectedUntil - t0) / 1000);
    };
    expect(ejectFor()).toBe(10);
    expect(d.isEjected(h, Date.now())).toBe(true);
    expect(ejectFor()).toBe(20);
    expect(ejectFor()).toBe(25);
    d.dispose();
  });
});
