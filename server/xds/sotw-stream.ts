// One StreamAggregatedResources (state of the world) stream, with go-control-plane/istiod semantics:
// empty nonce = (re)subscribe and respond; a nonce other than the last sent is stale and ignored;
// error_detail = NACK (recorded, never resent); a plain ACK is never answered unless the names changed.
// With ctx.skipUnchanged, a push to a type whose last response was ACKed sends nothing when the bytes
// are unchanged, and for RDS/EDS only the resources that changed (clients keep unmentioned ones).

import { create } from "@bufbuild/protobuf";
import {
  DiscoveryResponseSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createOutbound } from "./outbound-queue";
import { createConnectionCore, type ProxyConnection, type XdsContext } from "./proxy-connection";
import { changedResources, resourcesAsUnknownField, sameResources } from "./resource-bytes";
import { markAcked, markNacked, markSent, sameNames, type TypeState } from "./sync-status";
import { TYPE_URL, XDS_SHORT, xdsTypeOf, type GeneratedResource, type XdsType } from "./xds-types";

export type SotwConnection = ProxyConnection<DiscoveryRequest, DiscoveryResponse>;

/** RDS and EDS responses carry only the subscribed names; LDS and CDS are always the full state. */
const FILTERED: ReadonlySet<XdsType> = new Set<XdsType>(["route", "endpoint"]);

interface Subscription {
  wildcard: boolean;
  /** Read only (it may be the request's own, shared list). */
  names: readonly string[];
}

/** Empty names mean wildcard only on the first request (or while already wildcard); "*" is explicit. */
function parseNames(st: TypeState, names: readonly string[], first: boolean): Subscription {
  const star = names.includes("*");
  const explicit = star ? names.filter((n) => n !== "*") : names;
  const wildcard = star || (names.length === 0 && (first || st.wildcard));
  return { wildcard, names: explicit };
}

function apply(st: TypeState, sub: Subscription): void {
  st.wildcard = sub.wildcard;
  st.names = new Set(sub.names);
  st.nameList = undefined;
  st.subscribed = sub.wildcard || sub.names.length > 0;
}

/** The DiscoveryResponse, its resources spliced in from bytes encoded once per resource. */
function response(type: XdsType, versionInfo: string, nonce: string, resources: readonly GeneratedResource[]): DiscoveryResponse {
  const msg = create(DiscoveryResponseSchema, { versionInfo, nonce, typeUrl: TYPE_URL[type] });
  const field = resourcesAsUnknownField(TYPE_URL[type], resources);
  if (field) msg.$unknown = [field];
  return msg;
}

export function createSotwConnection(ctx: XdsContext): SotwConnection {
  const core = createConnectionCore(ctx, "sotw");
  const outbound = createOutbound<DiscoveryResponse>();

  /** Per type: the full resource set of the last response (what the proxy holds once it ACKs it). */
  const sent = new Map<XdsType, readonly GeneratedResource[]>();

  /**
   * Answers a request (`push` false: always every subscribed resource) or a push. Only when the last
   * response was ACKed (SYNCED) does the proxy hold exactly `sent`, so only then may a push be skipped
   * or, for RDS/EDS, carry just the changed resources; a STALE or ERROR type gets everything.
   */
  const respond = (st: TypeState, changedAt: number, push: boolean): Promise<void> | undefined => {
    const resources = core.generate(st, FILTERED.has(st.type));
    if (!resources) return undefined;
    let body: readonly GeneratedResource[] = resources;
    const prev = sent.get(st.type);
    if (push && ctx.skipUnchanged && prev && st.state === "SYNCED") {
      if (sameResources(resources, prev)) return undefined;
      if (FILTERED.has(st.type)) {
        body = changedResources(resources, prev);
        // Only removals: nothing to send (SotW RDS/EDS cannot remove), the proxy keeps its version.
        if (body.length === 0) {
          sent.set(st.type, resources);
          return undefined;
        }
      }
    }
    sent.set(st.type, resources);
    const versionInfo = ctx.version(st.type);
    const nonce = ctx.nonce();
    markSent(st, versionInfo, nonce, resources.length, changedAt, Date.now());
    ctx.metrics.pushed(st.type);
    core.changed();
    return outbound.send(response(st.type, versionInfo, nonce, body));
  };

  const handle = (req: DiscoveryRequest): void => {
    core.captureNode(req.node);
    const type = xdsTypeOf(req.typeUrl);
    if (!type) {
      ctx.log("warn", `ignoring request for unknown type URL "${req.typeUrl}" from ${core.label()}`);
      return;
    }
    const known = core.types.get(type);
    if (req.responseNonce === "") {
      const st = core.typeState(type);
      apply(st, parseNames(st, req.resourceNames, known === undefined));
      if (st.subscribed) void respond(st, 0, false);
      core.changed();
      return;
    }
    if (!known || req.responseNonce !== known.sentNonce) {
      ctx.log("debug", `stale ${XDS_SHORT[type]} nonce ${req.responseNonce} from ${core.label()} (last sent ${known?.sentNonce ?? "none"})`);
      return;
    }
    const sub = parseNames(known, req.resourceNames, false);
    const namesChanged = sub.wildcard !== known.wildcard || !sameNames(known.names, sub.names);
    if (req.errorDetail) {
      // The proxy kept its previous config; the next push resends in full.
      sent.delete(type);
      markNacked(known, req.errorDetail.message);
      ctx.metrics.rejected(type);
      ctx.log("warn", `${XDS_SHORT[type]} NACK from ${core.label()} for version ${known.sentVersion}: ${req.errorDetail.message}`);
    } else {
      const ms = markAcked(known, req.versionInfo, Date.now());
      if (ms !== undefined) ctx.metrics.converged(ms);
    }
    if (namesChanged) {
      apply(known, sub);
      if (known.subscribed) void respond(known, 0, false);
    }
    core.changed();
  };

  return {
    id: core.id,
    protocol: "sotw",
    outbound,
    handle,
    subscribed: core.subscribed,
    status: core.status,
    async push(types, changedAt) {
      const sends: Promise<void>[] = [];
      for (const t of core.subscribed(types)) {
        const p = respond(core.typeState(t), changedAt, true);
        if (p) sends.push(p);
      }
      await Promise.all(sends);
    },
  };
}
