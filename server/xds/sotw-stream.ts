// One StreamAggregatedResources (state of the world) stream, with go-control-plane/istiod semantics:
// empty nonce = (re)subscribe and respond; a nonce other than the last sent is stale and ignored;
// error_detail = NACK (recorded, never resent); a plain ACK is never answered unless the names changed.

import { create } from "@bufbuild/protobuf";
import {
  DiscoveryResponseSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createOutbound } from "./outbound-queue";
import { createConnectionCore, type ProxyConnection, type XdsContext } from "./proxy-connection";
import { markAcked, markNacked, markSent, sameNames, type TypeState } from "./sync-status";
import { TYPE_URL, XDS_SHORT, xdsTypeOf, type XdsType } from "./xds-types";

export type SotwConnection = ProxyConnection<DiscoveryRequest, DiscoveryResponse>;

/** RDS and EDS responses carry only the subscribed names; LDS and CDS are always the full state. */
const FILTERED: ReadonlySet<XdsType> = new Set<XdsType>(["route", "endpoint"]);

interface Subscription {
  wildcard: boolean;
  names: string[];
}

/** Empty names mean wildcard only on the first request (or while already wildcard); "*" is explicit. */
function parseNames(st: TypeState, names: readonly string[], first: boolean): Subscription {
  const explicit = names.filter((n) => n !== "*");
  const wildcard = names.includes("*") || (names.length === 0 && (first || st.wildcard));
  return { wildcard, names: explicit };
}

function apply(st: TypeState, sub: Subscription): void {
  st.wildcard = sub.wildcard;
  st.names = new Set(sub.names);
  st.subscribed = sub.wildcard || sub.names.length > 0;
}

export function createSotwConnection(ctx: XdsContext): SotwConnection {
  const core = createConnectionCore(ctx, "sotw");
  const outbound = createOutbound<DiscoveryResponse>();

  const respond = (st: TypeState, changedAt: number): Promise<void> | undefined => {
    const resources = core.generate(st, FILTERED.has(st.type));
    if (!resources) return undefined;
    const versionInfo = ctx.version(st.type);
    const nonce = ctx.nonce();
    markSent(st, versionInfo, nonce, resources.length, changedAt, Date.now());
    ctx.metrics.pushed(st.type);
    ctx.changed();
    return outbound.send(
      create(DiscoveryResponseSchema, { versionInfo, nonce, typeUrl: TYPE_URL[st.type], resources: resources.map((r) => r.resource) }),
    );
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
      if (st.subscribed) void respond(st, 0);
      ctx.changed();
      return;
    }
    if (!known || req.responseNonce !== known.sentNonce) {
      ctx.log("debug", `stale ${XDS_SHORT[type]} nonce ${req.responseNonce} from ${core.label()} (last sent ${known?.sentNonce ?? "none"})`);
      return;
    }
    const sub = parseNames(known, req.resourceNames, false);
    const namesChanged = sub.wildcard !== known.wildcard || !sameNames(known.names, sub.names);
    if (req.errorDetail) {
      markNacked(known, req.errorDetail.message);
      ctx.metrics.rejected(type);
      ctx.log("warn", `${XDS_SHORT[type]} NACK from ${core.label()} for version ${known.sentVersion}: ${req.errorDetail.message}`);
    } else {
      const ms = markAcked(known, req.versionInfo, Date.now());
      if (ms !== undefined) ctx.metrics.converged(ms);
    }
    if (namesChanged) {
      apply(known, sub);
      if (known.subscribed) void respond(known, 0);
    }
    ctx.changed();
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
        const p = respond(core.typeState(t), changedAt);
        if (p) sends.push(p);
      }
      await Promise.all(sends);
    },
  };
}
