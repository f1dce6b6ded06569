// Per-type SotW subscription state: the names subscribed, the last ACKed version, the nonce to echo, the
// last-good resources (never the rejected ones), and the DiscoveryRequests built from it (initial
// request, subscription change, ACK and NACK all share one shape).

import { create } from "@bufbuild/protobuf";
import type { Node } from "../../proto/gen/envoy/config/core/v3/base_pb";
import { DiscoveryRequestSchema, type DiscoveryRequest } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { StatusSchema } from "../../proto/gen/google/rpc/status_pb";
import type { ResourcesWithOrigin } from "../config/resources";
import type { ResourceMaps, ResourceOf } from "./resource-decode";
import { TYPE_URLS, XDS_KINDS, type XdsKind } from "./xds-kinds";

/** google.rpc.Code.INVALID_ARGUMENT, what Envoy puts in a NACK's error_detail. */
export const INVALID_ARGUMENT = 3;

export interface TypeState<K extends XdsKind = XdsKind> {
  kind: K;
  /** Sorted resource names; always empty for the wildcard kinds (LDS, CDS). */
  names: string[];
  /** A request for this kind went out on the current stream (RDS/EDS start once they have names). */
  started: boolean;
  /** version_info of the last ACKed response ("" before the first). */
  version: string;
  /** Nonce of the last response of this kind on the current stream ("" on a new stream). */
  nonce: string;
  /** Last-good resources, keyed by name: what the engine is running. */
  accepted: Map<string, ResourceOf[K]>;
  acceptedOnce: boolean;
  /** error_detail of the last NACK; cleared by the next ACK of this kind. */
  lastNack?: string;
  /** Epoch ms of the last ACK, 0 when never. */
  lastUpdate: number;
}

export type SubscriptionStates = { [K in XdsKind]: TypeState<K> };

export function createSubscriptionStates(): SubscriptionStates {
  const st = <K extends XdsKind>(kind: K): TypeState<K> => ({ kind, names: [], started: false, version: "", nonce: "", accepted: new Map(), acceptedOnce: false, lastUpdate: 0 });
  return { lds: st("lds"), rds: st("rds"), cds: st("cds"), eds: st("eds") };
}

/** A new stream has no nonces yet, and every subscription is re-sent on it. */
export function resetForNewStream(states: SubscriptionStates): void {
  for (const k of XDS_KINDS) {
    states[k].nonce = "";
    states[k].started = false;
  }
}

/**
 * The request for `st` as it stands: last ACKed version, current names, and the nonce being answered. An
 * ACK is sent after `st.version` took the new version; a NACK carries `error` and keeps the last ACKed one.
 */
export function discoveryRequest(st: TypeState, opts: { node?: Node; nonce?: string; error?: string } = {}): DiscoveryRequest {
  return create(DiscoveryRequestSchema, {
    typeUrl: TYPE_URLS[st.kind],
    versionInfo: st.version,
    responseNonce: opts.nonce ?? st.nonce,
    resourceNames: [...st.names],
    node: opts.node,
    errorDetail: opts.error === undefined ? undefined : create(StatusSchema, { code: INVALID_ARGUMENT, message: opts.error }),
  });
}

export function acceptedMaps(states: SubscriptionStates): ResourceMaps {
  return { lds: states.lds.accepted, rds: states.rds.accepted, cds: states.cds.accepted, eds: states.eds.accepted };
}

/** Keeps only the subscribed names of RDS/EDS maps (a name dropped by LDS/CDS leaves the config). */
export function onlySubscribed<V>(m: ReadonlyMap<string, V>, names: readonly string[]): Map<string, V> {
  const keep = new Set(names);
  return new Map([...m].filter(([n]) => keep.has(n)));
}

/**
 * The config version handed to the engine (and seen in tap events and /config_dump): each kind's
 * version_info, "-" for a kind never received, e.g. `lds=3 rds=3 cds=4 eds=7`.
 */
export function formatConfigVersion(versions: Readonly<Record<XdsKind, string>>): string {
  return (["lds", "rds", "cds", "eds"] as const).map((k) => `${k}=${versions[k] || "-"}`).join(" ");
}

export function ackedVersions(states: SubscriptionStates): Record<XdsKind, string> {
  return { lds: states.lds.version, rds: states.rds.version, cds: states.cds.version, eds: states.eds.version };
}

export function toEngineResources(m: ResourceMaps): ResourcesWithOrigin {
  return { listeners: [...m.lds.values()], routeConfigs: [...m.rds.values()], clusters: [...m.cds.values()], loadAssignments: [...m.eds.values()], pathPrefix: "", dynamic: true };
}

/** Subscribed RDS/EDS names that have not arrived (what warming waits for). */
export function missingNames(states: SubscriptionStates): { rds: string[]; eds: string[] } {
  return { rds: states.rds.names.filter((n) => !states.rds.accepted.has(n)), eds: states.eds.names.filter((n) => !states.eds.accepted.has(n)) };
}
