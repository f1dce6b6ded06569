// The two report adapters: Istio metrics (labels, buckets, Prometheus text, golden-signal snapshot) and the
// JSON access log (fields, secrets never written).

import { describe, expect, it } from "vitest";
import type { Attributes } from "./attributes";
import { BYTE_BUCKETS, createIstioMetrics, DURATION_BUCKETS_MS } from "./istio-metrics";
import { createJsonAccessLog } from "./json-access-log";
import type { ReportRecord } from "./report";

function record(code: number, durationMs: number, over: Partial<ReportRecord> = {}, service = "reviews.default.svc.cluster.local"): ReportRecord {
  const attributes: Attributes = {
    source: { workload: { name: "productpage-v1", namespace: "default" }, ip: "10.0.0.1", port: 4000, uid: "", labels: { app: "productpage", version: "v1" }, principal: "" },
    destination: { workload: { name: "reviews-v2", namespace: "default" }, service: { host: service, name: service.split(".")[0]!, namespace: "default" }, ip: "10.0.0.2", port: 9080, uid: "", labels: { app: "reviews", version: "v2" } },
    request: { method: "GET", path: "/r?x=1", url_path: "/r", host: "reviews", scheme: "http", headers: { authorization: "Bearer s3cret", cookie: "sid=s3cret", "x-user": "alice" }, size: 0, id: "rid", useragent: "curl", time: 1_700_000_000_000 },
    response: { code, size: 1500, duration: durationMs, headers: { "set-cookie": "s3cret" }, flags: code === 503 ? "UF" : "-" },
    connection: { id: 1, mtls: false },
    context: { protocol: "http", reporter: "destination" },
  };
  return { proxy: "p", attributes, startTime: 1_700_000_000_000, protocol: "HTTP/1.1", routeName: "default", upstreamCluster: "inbound|9080||reviews", upstreamHost: "127.0.0.1:9080", forwardedFor: "", grpcStatus: "", deniedBy: "", quota: "", ...over };
}

const LABELS =
  'reporter="destination",source_workload="productpage-v1",source_workload_namespace="default",source_app="productpage",source_version="v1",destination_workload="reviews-v2",destination_workload_namespace="default",destination_app="reviews",destination_version="v2",destination_service="reviews.default.svc.cluster.local",destination_service_name="reviews",destination_service_namespace="default",request_protocol="http"';

describe("Istio metrics adapter", () => {
  it("renders Istio's metric families with Istio's labels and buckets", () => {
    const m = createIstioMetrics();
    m.report([record(200, 3), record(200, 700), record(503, 0.2)]);
    const text = m.render();
    const ok = `${LABELS},response_code="200",grpc_response_status="",response_flags="-",connection_security_policy="none"`;
    expect(text).toContain("# TYPE istio_requests_total counter\n");
    expect(text).toContain(`istio_requests_total{${ok}} 2\n`);
    expect(text).toContain(`istio_requests_total{${LABELS},response_code="503",grpc_response_status="",response_flags="UF",connection_security_policy="none"} 1\n`);
    expect(text).toContain("# TYPE istio_request_duration_milliseconds histogram\n");
    expect(text).toContain(`istio_request_duration_milliseconds_bucket{${ok},le="1"} 0\n`);
    expect(text).toContain(`istio_request_duration_milliseconds_bucket{${ok},le="5"} 1\n`);
    expect(text).toContain(`istio_request_duration_milliseconds_bucket{${ok},le="1000"} 2\n`);
    expect(text).toContain(`istio_request_duration_milliseconds_bucket{${ok},le="+Inf"} 2\n`);
    expect(text).toContain(`istio_request_duration_milliseconds_sum{${ok}} 703\n`);
    expect(text).toContain(`istio_request_duration_milliseconds_count{${ok}} 2\n`);
    expect(text).toContain(`istio_response_bytes_bucket{${ok},le="1000"} 0\n`);
    expect(text).toContain(`istio_response_bytes_bucket{${ok},le="10000"} 2\n`);
    expect(text).toContain(`istio_request_bytes_bucket{${ok},le="1"} 2\n`);
    // Every bucket bound Istio uses, in order, for one series.
    const les = [...text.matchAll(new RegExp(`istio_request_duration_milliseconds_bucket\\{${ok.replace(/[|\\{}()[\]^$+*?.]/g, "\\$&")},le="([^"]+)"`, "g"))].map((x) => x[1]);
    expect(les).toEqual([...DURATION_BUCKETS_MS.map(String), "+Inf"]);
    expect(text.match(/istio_request_bytes_bucket\{[^}]*response_code="200"[^}]*\}/g)).toHaveLength(BYTE_BUCKETS.length + 1);
    // Every sample line is `name{labels} value`.
    for (const line of text.trim().split("\n")) expect(line).toMatch(/^(# TYPE \w+ (counter|histogram)|\w+\{[^}]*\} [\d.]+)$/);
  });

  it("escapes label values and aggregates golden signals per reporter and service", () => {
    const m = createIstioMetrics();
    m.report([record(200, 3), record(503, 30), record(200, 3, {}, 'we"ird\\svc')]);
    expect(m.render()).toContain('destination_service="we\\"ird\\\\svc"');
    const snap = m.snapshot().find((s) => s.destinationService === "reviews.default.svc.cluster.local")!;
    expect(snap).toMatchObject({ reporter: "destination", requests: 2, errors: 1, durationSumMs: 33 });
    expect(snap.durationCounts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe("JSON access log adapter", () => {
  it("writes one JSON object per line with Istio-ish fields, and never a secret header", () => {
    const lines: string[] = [];
    const log = createJsonAccessLog({ write: (l) => lines.push(l), headers: ["x-user", "authorization", "Cookie"] });
    log.report([record(403, 1.4, { deniedBy: "default/deny", forwardedFor: "1.2.3.4" }), record(429, 0.5, { quota: "default/q" })]);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith("}\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({
      start_time: "2023-11-14T22:13:20.000Z",
      method: "GET",
      path: "/r?x=1",
      protocol: "HTTP/1.1",
      response_code: 403,
      response_flags: "-",
      bytes_received: 0,
      bytes_sent: 1500,
      duration: 1,
      upstream_host: "127.0.0.1:9080",
      upstream_cluster: "inbound|9080||reviews",
      x_forwarded_for: "1.2.3.4",
      user_agent: "curl",
      request_id: "rid",
      authority: "reviews",
      source_workload: "productpage-v1",
      destination_workload: "reviews-v2",
      destination_service: "reviews.default.svc.cluster.local",
      route_name: "default",
      denied_by: "default/deny",
      request_headers: { "x-user": "alice" },
    });
    expect(first.quota).toBeUndefined();
    expect(JSON.parse(lines[1]!).quota).toBe("default/q");
    expect(lines.join("")).not.toContain("s3cret");
  });

  it("escapes what needs escaping and stays one line", () => {
    const lines: string[] = [];
    const r = record(200, 1);
    r.attributes.request.path = '/a"b\\c\n\u0001 ☃ 𝄞';
    createJsonAccessLog({ write: (l) => lines.push(l) }).report([r]);
    expect(lines[0]!.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(lines[0]!).path).toBe(r.attributes.request.path);
  });
});
