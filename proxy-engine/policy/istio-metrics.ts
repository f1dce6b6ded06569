// Report adapter for Istio's standard metrics (istio_requests_total, istio_request_duration_milliseconds,
// istio_request_bytes, istio_response_bytes) with Istio's labels and buckets, rendered as Prometheus text.
// One instance can serve many proxies; snapshot() gives per-service golden signals to the dashboard.

import type { ReportAdapter, ReportRecord } from "./report";

export const DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000] as const;
export const BYTE_BUCKETS = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000] as const;

export const LABELS = [
  "reporter",
  "source_workload",
  "source_workload_namespace",
  "source_app",
  "source_version",
  "destination_workload",
  "destination_workload_namespace",
  "destination_app",
  "destination_version",
  "destination_service",
  "destination_service_name",
  "destination_service_namespace",
  "request_protocol",
  "response_code",
  "grpc_response_status",
  "response_flags",
  "connection_security_policy",
] as const;

/** Series beyond this are dropped (and counted): labels come partly from the network. */
export const MAX_SERIES = 20_000;

interface Series {
  reporter: string;
  service: string;
  code: number;
  /** Rendered `{a="b",...}` without the closing brace, so `le` can be appended. */
  labels: string;
  requests: number;
  duration: number[];
  durationSum: number;
  requestBytes: number[];
  requestBytesSum: number;
  responseBytes: number[];
  responseBytesSum: number;
}

export interface ServiceSignals {
  reporter: string;
  destinationService: string;
  requests: number;
  /** 5xx responses. */
  errors: number;
  durationBounds: readonly number[];
  /** Per-bucket (not cumulative) counts; the last slot is above every bound. */
  durationCounts: number[];
  durationSumMs: number;
}

export interface IstioMetrics extends ReportAdapter {
  render(): string;
  snapshot(): ServiceSignals[];
  /** Records dropped because MAX_SERIES was reached. */
  dropped(): number;
}

const unknown = (v: string | undefined) => (v ? v : "unknown");

function escape(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;
}

function bucketOf(bounds: readonly number[], v: number): number {
  let i = 0;
  while (i < bounds.length && v > bounds[i]!) i++;
  return i;
}

function labelValues(r: ReportRecord): string[] {
  const a = r.attributes;
  const s = a.source;
  const d = a.destination;
  return [
    a.context.reporter,
    unknown(s.workload.name),
    unknown(s.workload.namespace),
    unknown(s.labels.app),
    unknown(s.labels.version),
    unknown(d.workload.name),
    unknown(d.workload.namespace),
    unknown(d.labels.app),
    unknown(d.labels.version),
    unknown(d.service.host),
    unknown(d.service.name),
    unknown(d.service.namespace),
    a.context.protocol,
    String(a.response?.code ?? 0),
    r.grpcStatus,
    a.response?.flags ?? "-",
    "none",
  ];
}

/**
 * A workload's label values as one key piece, built once per labels object: a workload's requests share
 * its labels object, so this is one WeakMap lookup (and the piece's hash is computed once by the engine).
 */
const workloadParts = new WeakMap<object, { name: string; namespace: string; part: string }>();
function workloadPart(w: { name: string; namespace: string }, labels: Readonly<Record<string, string>>): string {
  const c = workloadParts.get(labels);
  if (c !== undefined && c.name === w.name && c.namespace === w.namespace) return c.part;
  const part = `${w.name}\u0001${w.namespace}\u0001${labels.app}\u0001${labels.version}`;
  workloadParts.set(labels, { name: w.name, namespace: w.namespace, part });
  return part;
}

export function createIstioMetrics(): IstioMetrics {
  /** Every series, in creation order (what /metrics lists), and the index that finds one by its labels. */
  const series = new Set<Series>();
  const index = new Map<string, Map<string, Map<string, Series>>>();
  let dropped = 0;

  function seriesOf(r: ReportRecord): Series | undefined {
    const a = r.attributes;
    const d = a.destination;
    const res = a.response;
    // Keyed by every label value: each workload's piece is built once (see workloadPart) and keys a map of
    // its own, so the string made per request is only the short rest.
    const src = workloadPart(a.source.workload, a.source.labels);
    const dst = workloadPart(d.workload, d.labels);
    let bySrc = index.get(src);
    if (bySrc === undefined) index.set(src, (bySrc = new Map()));
    let byDst = bySrc.get(dst);
    if (byDst === undefined) bySrc.set(dst, (byDst = new Map()));
    const key = `${a.context.reporter}\u0001${d.service.host}\u0001${a.context.protocol}\u0001${res === undefined ? 0 : res.code}\u0001${r.grpcStatus}\u0001${res === undefined ? "" : res.flags}`;
    let x = byDst.get(key);
    if (x === undefined) {
      if (series.size >= MAX_SERIES) return undefined;
      const values = labelValues(r);
      x = {
        reporter: a.context.reporter,
        service: unknown(d.service.host),
        code: a.response?.code ?? 0,
        labels: `{${LABELS.map((l, i) => `${l}="${escape(values[i]!)}"`).join(",")}`,
        requests: 0,
        duration: new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0),
        durationSum: 0,
        requestBytes: new Array<number>(BYTE_BUCKETS.length + 1).fill(0),
        requestBytesSum: 0,
        responseBytes: new Array<number>(BYTE_BUCKETS.length + 1).fill(0),
        responseBytesSum: 0,
      };
      byDst.set(key, x);
      series.add(x);
    }
    return x;
  }

  function histogram(out: string[], name: string, bounds: readonly number[], pick: (s: Series) => [number[], number]): void {
    out.push(`# TYPE ${name} histogram`);
    for (const s of series.values()) {
      const [counts, sum] = pick(s);
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += counts[i]!;
        out.push(`${name}_bucket${s.labels},le="${bounds[i]}"} ${cumulative}`);
      }
      out.push(`${name}_bucket${s.labels},le="+Inf"} ${s.requests}`);
      out.push(`${name}_sum${s.labels}} ${sum}`);
      out.push(`${name}_count${s.labels}} ${s.requests}`);
    }
  }

  return {
    name: "prometheus",
    report(batch) {
      for (const r of batch) {
        const s = seriesOf(r);
        if (s === undefined) {
          dropped++;
          continue;
        }
        const res = r.attributes.response;
        const ms = res?.duration ?? 0;
        const rq = r.attributes.request.size;
        const rs = res?.size ?? 0;
        s.requests++;
        s.duration[bucketOf(DURATION_BUCKETS_MS, ms)]!++;
        s.durationSum += ms;
        s.requestBytes[bucketOf(BYTE_BUCKETS, rq)]!++;
        s.requestBytesSum += rq;
        s.responseBytes[bucketOf(BYTE_BUCKETS, rs)]!++;
        s.responseBytesSum += rs;
      }
    },
    render() {
      const out: string[] = ["# TYPE istio_requests_total counter"];
      for (const s of series.values()) out.push(`istio_requests_total${s.labels}} ${s.requests}`);
      histogram(out, "istio_request_duration_milliseconds", DURATION_BUCKETS_MS, (s) => [s.duration, s.durationSum]);
      histogram(out, "istio_request_bytes", BYTE_BUCKETS, (s) => [s.requestBytes, s.requestBytesSum]);
      histogram(out, "istio_response_bytes", BYTE_BUCKETS, (s) => [s.responseBytes, s.responseBytesSum]);
      return `${out.join("\n")}\n`;
    },
    snapshot() {
      const by = new Map<string, ServiceSignals>();
      for (const s of series.values()) {
        const k = `${s.reporter}|${s.service}`;
        let g = by.get(k);
        if (!g) {
          g = { reporter: s.reporter, destinationService: s.service, requests: 0, errors: 0, durationBounds: DURATION_BUCKETS_MS, durationCounts: new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0), durationSumMs: 0 };
          by.set(k, g);
        }
        g.requests += s.requests;
        if (s.code >= 500) g.errors += s.requests;
        for (let i = 0; i < s.duration.length; i++) g.durationCounts[i]! += s.duration[i]!;
        g.durationSumMs += s.durationSum;
      }
      return [...by.values()].sort((a, b) => (a.reporter + a.destinationService < b.reporter + b.destinationService ? -1 : 1));
    },
    dropped: () => dropped,
  };
}
