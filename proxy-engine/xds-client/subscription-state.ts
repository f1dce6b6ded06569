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

/** The initial accepted map of every client: shared (maps are never modified), so merges can be too. */
const NOTHING_ACCEPTED = new Map<string, never>();

export function createSubscriptionStates(): SubscriptionStates {
  const st = <K extends XdsKind>(kind: K): TypeState<K> => ({ kind, names: [], started: false, version: "", nonce: "", accepted: NOTHING_ACCEPTED, acceptedOnce: false, lastUpdate: 0 });
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
    // Shared, not copied: a name list is replaced when the subscription changes, never modified.
    resourceNames: st.names,
    node: opts.node,
    errorDetail: opts.error === undefined ? undefined : create(StatusSchema, { code: INVALID_ARGUMENT, message: opts.error }),
  });
}

export function acceptedMaps(states: SubscriptionStates): ResourceMaps {
  return { lds: states.lds.accepted, rds: states.rds.accepted, cds: states.cds.accepted, eds: states.eds.accepted };
}

/**
 * Keeps only the RDS/EDS entries named in either list (a name dropped by LDS/CDS leaves the config).
 * Returns `m` itself when it has nothing else (the usual case: no copy).
 */
export function onlySubscribed<V>(m: ReadonlyMap<string, V>, names: readonly string[], more: readonly string[] = []): ReadonlyMap<string, V> {
  const last = kept.get(m);
  if (last && last.names === names && last.more === more) return last.result as ReadonlyMap<string, V>;
  const a = nameSet(names);
  const b = more === names ? a : nameSet(more);
  let result: ReadonlyMap<string, V> = m;
  for (const n of m.keys()) {
    if (a.has(n) || b.has(n)) continue;
    result = new Map([...m].filter(([k]) => a.has(k) || b.has(k)));
    break;
  }
  kept.set(m, { names, more, result });
  return result;
}

/** onlySubscribed's last answer per map (maps and name lists are never modified once built). */
const kept = new WeakMap<ReadonlyMap<string, unknown>, { names: readonly string[]; more: readonly string[]; result: ReadonlyMap<string, unknown> }>();

const merges = new WeakMap<ReadonlyMap<string, unknown>, WeakMap<ReadonlyMap<string, unknown>, { wanted: ReadonlySet<string>; result: ReadonlyMap<string, unknown> }>>();

/**
 * An RDS/EDS response merged into what was accepted: the wanted names it carries replace theirs, the
 * rest stay. Remembered per (accepted, response, names): clients of one process that hold the same
 * maps get one shared result, which (like every map here) is never modified.
 */
export function mergeResources<V>(accepted: ReadonlyMap<string, V>, received: ReadonlyMap<string, V>, wanted: ReadonlySet<string>): ReadonlyMap<string, V> {
  let byReceived = merges.get(accepted);
  if (!byReceived) merges.set(accepted, (byReceived = new WeakMap()));
  const last = byReceived.get(received);
  if (last && last.wanted === wanted) return last.result as ReadonlyMap<string, V>;
  const result = new Map(accepted);
  for (const [name, r] of received) if (wanted.has(name)) result.set(name, r);
  byReceived.set(received, { wanted, result });
  return result;
}

const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** new Set(names), built once per array: name lists are replaced, never modified in place. */
export function nameSet(names: readonly string[]): ReadonlySet<string> {
  let set = nameSets.get(names);
  if (!set) nameSets.set(names, (set = new Set(names)));
  return set;
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

/** The engine's resource lists; each list is built once per map and shared (the engine only reads it). */
export function toEngineResources(m: ResourceMaps): ResourcesWithOrigin {
  return { listeners: valuesOf(m.lds), routeConfigs: valuesOf(m.rds), clusters: valuesOf(m.cds), loadAssignments: valuesOf(m.eds), pathPrefix: "", dynamic: true };
}

const values = new WeakMap<ReadonlyMap<string, unknown>, unknown[]>();

function valuesOf<V>(m: ReadonlyMap<string, V>): V[] {
  let list = values.get(m) as V[] | undefined;
  if (!list) values.set(m, (list = [...m.values()]));
  return list;
}

/** Subscribed RDS/EDS names that have not arrived (what warming waits for). */
export function missingNames(states: SubscriptionStates): { rds: readonly string[]; eds: readonly string[] } {
  return { rds: missingOf(states.rds.names, states.rds.accepted), eds: missingOf(states.eds.names, states.eds.accepted) };
}

const missing = new WeakMap<ReadonlyMap<string, unknown>, { names: readonly string[]; result: readonly string[] }>();

/** The names `accepted` lacks; asked after every response, so remembered per (map, list). */
function missingOf(names: readonly string[], accepted: ReadonlyMap<string, unknown>): readonly string[] {
  const last = missing.get(accepted);
  if (last && last.names === names) return last.result;
  const result = names.filter((n) => !accepted.has(n));
  missing.set(accepted, { names, result });
  return result;
}
