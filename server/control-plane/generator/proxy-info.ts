// Reads what a proxy told us about itself: its kind (sidecar, gateway, proxyless gRPC) and the metadata
// our embedded proxies send (NAMESPACE, SERVICE, INBOUND_PORT, OUTBOUND_PORT, APP_PORT, GATEWAY_PORT,
// LISTEN_HOST, LABELS), parsed once into typed fields.

import type { ProxyKind, ProxyNode } from "../../xds/xds-types";

export interface ProxyInfo {
  kind: ProxyKind;
  namespace: string;
  /** Hostname of the service a sidecar fronts. */
  service: string | undefined;
  inboundPort: number | undefined;
  outboundPort: number | undefined;
  appPort: number | undefined;
  gatewayPort: number | undefined;
  listenHost: string;
  /** The workload's labels (node metadata LABELS); a gateway without any is Istio's ingress gateway. */
  labels: Readonly<Record<string, string>>;
}

export const DEFAULT_NAMESPACE = "default";
export const DEFAULT_LISTEN_HOST = "127.0.0.1";
/** The labels of Istio's default ingress gateway deployment. */
export const GATEWAY_LABELS: Readonly<Record<string, string>> = { istio: "ingressgateway", app: "istio-ingressgateway" };

/** String-valued labels from node metadata; undefined when there are none. */
function labelsOf(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return Object.keys(out).length ? out : undefined;
}

export function proxyKindOf(node: ProxyNode): ProxyKind {
  if (node.metadata.GENERATOR === "grpc") return "proxyless";
  if (node.id.startsWith("router~") || node.metadata.ROLE === "gateway") return "gateway";
  return "sidecar";
}

function text(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

/** A port number; listener ports may be 0 (bind any free port, which embedded proxies then report). */
function port(v: unknown, min = 1): number | undefined {
  const s = text(v);
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= 65535 ? n : undefined;
}

export function proxyInfo(node: ProxyNode): ProxyInfo {
  const m = node.metadata;
  return {
    kind: proxyKindOf(node),
    namespace: text(m.NAMESPACE) ?? DEFAULT_NAMESPACE,
    service: text(m.SERVICE),
    inboundPort: port(m.INBOUND_PORT, 0),
    outboundPort: port(m.OUTBOUND_PORT, 0),
    appPort: port(m.APP_PORT),
    gatewayPort: port(m.GATEWAY_PORT, 0),
    listenHost: text(m.LISTEN_HOST) ?? DEFAULT_LISTEN_HOST,
    labels: labelsOf(m.LABELS) ?? (proxyKindOf(node) === "gateway" ? GATEWAY_LABELS : {}),
  };
}
