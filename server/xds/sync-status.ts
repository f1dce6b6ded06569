// Per-proxy, per-type sync bookkeeping (what istioctl proxy-status shows) and how a connected proxy is
// described: its node from the first request and its kind (sidecar, gateway or proxyless gRPC).

import type { Node } from "../../proto/gen/envoy/config/core/v3/base_pb";
import type { ProxyKind, ProxyNode, SyncState, TypeStatus, XdsType } from "./xds-types";

/** Mutable state of one type URL on one stream. */
export interface TypeState {
  type: XdsType;
  /** False after a non-wildcard subscription dropped every name. */
  subscribed: boolean;
  wildcard: boolean;
  names: Set<string>;
  /** `names` as a list, kept while they are unchanged; whoever changes `names` clears it. */
  nameList?: string[];
  state: SyncState;
  sentVersion: string;
  sentNonce: string;
  ackedVersion: string;
  resourceCount: number;
  lastSentAt: number;
  lastAckAt: number;
  error: string;
  convergenceMs: number;
  /** PushRequest.changedAt behind the last sent nonce, 0 when it was not a push. */
  pendingChangedAt: number;
  /** Delta only: resource name → version the client holds (as far as we sent). */
  resourceVersions: Map<string, string>;
  /**
   * Delta only: what the last response changed in resourceVersions (name → the version before it,
   * undefined = not held), put back if the client NACKs it: a rejected response leaves the client as it was.
   */
  undo: { nonce: string; before: Map<string, string | undefined> } | undefined;
}

export function newTypeState(type: XdsType): TypeState {
  return {
    type,
    subscribed: true,
    wildcard: false,
    names: new Set(),
    state: "NOT_SENT",
    sentVersion: "",
    sentNonce: "",
    ackedVersion: "",
    resourceCount: 0,
    lastSentAt: 0,
    lastAckAt: 0,
    error: "",
    convergenceMs: -1,
    pendingChangedAt: 0,
    resourceVersions: new Map(),
    undo: undefined,
  };
}

/** Records that a response went out; a push's changedAt survives a non-push resend before the ACK. */
export function markSent(st: TypeState, version: string, nonce: string, count: number, changedAt: number, now: number): void {
  const carried = st.state === "STALE" ? st.pendingChangedAt : 0;
  st.pendingChangedAt = changedAt > 0 ? (carried > 0 ? Math.min(carried, changedAt) : changedAt) : carried;
  st.sentVersion = version;
  st.sentNonce = nonce;
  st.resourceCount = count;
  st.lastSentAt = now;
  st.state = "STALE";
}

/** ACK of the last sent nonce. Returns the convergence time when it closed a push, else undefined. */
export function markAcked(st: TypeState, version: string, now: number): number | undefined {
  st.ackedVersion = version;
  st.lastAckAt = now;
  st.state = "SYNCED";
  st.error = "";
  if (st.pendingChangedAt <= 0) return undefined;
  const ms = Math.max(0, now - st.pendingChangedAt);
  st.convergenceMs = ms;
  st.pendingChangedAt = 0;
  return ms;
}

export function markNacked(st: TypeState, message: string): void {
  st.state = "ERROR";
  st.error = message || "NACK without a message";
  st.pendingChangedAt = 0;
}

export function toTypeStatus(st: TypeState): TypeStatus {
  return {
    type: st.type,
    state: st.state,
    sentVersion: st.sentVersion,
    ackedVersion: st.ackedVersion,
    sentNonce: st.sentNonce,
    resourceCount: st.resourceCount,
    lastSentAt: st.lastSentAt,
    lastAckAt: st.lastAckAt,
    error: st.error,
    convergenceMs: st.convergenceMs,
  };
}

export function toProxyNode(node: Node): ProxyNode {
  const ua = node.userAgentVersionType;
  const version = ua.case === "userAgentVersion" ? ua.value : "";
  return {
    id: node.id,
    cluster: node.cluster,
    metadata: { ...(node.metadata ?? {}) },
    locality: { region: node.locality?.region ?? "", zone: node.locality?.zone ?? "", subZone: node.locality?.subZone ?? "" },
    userAgent: version ? `${node.userAgentName}/${version}` : node.userAgentName,
  };
}

const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;

/** Istio's rules: GENERATOR=grpc or host:port listener names mean proxyless gRPC; router~ ids are gateways. */
export function proxyKind(node: ProxyNode, listenerNames: Iterable<string>): ProxyKind {
  if (node.metadata.GENERATOR === "grpc") return "proxyless";
  for (const n of listenerNames) if (HOST_PORT.test(n)) return "proxyless";
  if (node.id.startsWith("router~") || node.metadata.ROLE === "gateway") return "gateway";
  return "sidecar";
}

export function sameNames(a: ReadonlySet<string>, b: readonly string[]): boolean {
  // Fast path: clients resend the same list in the same order, which is the set's insertion order.
  if (b.length === a.size) {
    let i = 0;
    for (const n of a) {
      if (n !== b[i]) break;
      i++;
    }
    if (i === b.length) return true;
  }
  const set = new Set(b);
  if (set.size !== a.size) return false;
  for (const n of set) if (!a.has(n)) return false;
  return true;
}
