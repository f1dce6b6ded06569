// The contract between the ADS server, the generator and the push controller: type URLs, what a
// connected proxy told us about itself, what a generator returns, and the per-proxy sync status
// (istioctl proxy-status: SYNCED, NOT SENT, STALE, ERROR).

import type { Any } from "@bufbuild/protobuf/wkt";

export const TYPE_URL = {
  listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  endpoint: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
} as const;

export type XdsType = keyof typeof TYPE_URL;
export const XDS_TYPES: readonly XdsType[] = ["cluster", "endpoint", "listener", "route"];
/** Short names used in stats and the UI. */
export const XDS_SHORT: Record<XdsType, string> = { listener: "LDS", route: "RDS", cluster: "CDS", endpoint: "EDS" };

export function xdsTypeOf(typeUrl: string): XdsType | undefined {
  for (const [k, v] of Object.entries(TYPE_URL)) if (v === typeUrl) return k as XdsType;
  return undefined;
}

export type ProxyKind = "sidecar" | "gateway" | "proxyless";

/** What a proxy said about itself in its first DiscoveryRequest's `node`. */
export interface ProxyNode {
  id: string;
  cluster: string;
  /** node.metadata as plain JSON. */
  metadata: Record<string, unknown>;
  locality: { region: string; zone: string; subZone: string };
  userAgent: string;
}

export interface GeneratedResource {
  name: string;
  resource: Any;
}

export interface Generated {
  resources: GeneratedResource[];
  /** Every resource is one of the requested names (for a non-wildcard request), so none need filtering. */
  onlyRequested?: boolean;
}

/**
 * Builds one type's resources for one proxy. `names` is the subscription (empty = wildcard); the server
 * passes the same list object while a subscription is unchanged and never modifies it, so generators
 * may memoize on it.
 */
export interface XdsGenerator {
  generate(node: ProxyNode, type: XdsType, names: readonly string[]): Generated;
}

export type SyncState = "SYNCED" | "NOT_SENT" | "STALE" | "ERROR";

export interface TypeStatus {
  type: XdsType;
  state: SyncState;
  /** Version last sent, and last ACKed. */
  sentVersion: string;
  ackedVersion: string;
  sentNonce: string;
  /** Resources the proxy holds after the last response (a partial RDS/EDS push counts the full set). */
  resourceCount: number;
  /** Milliseconds since the epoch, 0 when never. */
  lastSentAt: number;
  lastAckAt: number;
  /** NACK text (error_detail.message) when state is ERROR. */
  error: string;
  /** Write → ACK time of the last converged push, in ms; -1 when unknown. */
  convergenceMs: number;
}

export interface ProxyStatus {
  node: ProxyNode;
  kind: ProxyKind;
  connectedAt: number;
  /** "sotw" or "delta". */
  protocol: "sotw" | "delta";
  types: TypeStatus[];
}

/** A request to push: which types changed and when the change that caused it was written. */
export interface PushRequest {
  types: ReadonlySet<XdsType>;
  /** Epoch ms of the earliest config write merged into this push (for convergence time). */
  changedAt: number;
  reason: string;
}
