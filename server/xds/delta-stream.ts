// One DeltaAggregatedResources (incremental) stream: per-resource versions (a hash of the serialized
// Any) of what this client holds, so each response carries only changed resources and removals.
// ACK/NACK by nonce as in SotW, but subscription changes are never dropped, even on a stale nonce. A NACK
// puts back what the rejected response changed in the client's versions, so its resources (and removals)
// are sent again with the next change.

import { create } from "@bufbuild/protobuf";
import {
  DeltaDiscoveryResponseSchema,
  ResourceSchema,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
} from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { createOutbound } from "./outbound-queue";
import { createConnectionCore, type ProxyConnection, type XdsContext } from "./proxy-connection";
import { resourceHash } from "./resource-bytes";
import { markAcked, markNacked, markSent, type TypeState } from "./sync-status";
import { TYPE_URL, XDS_SHORT, xdsTypeOf, type GeneratedResource } from "./xds-types";

export type DeltaConnection = ProxyConnection<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;

/** A hash of the serialized Any, computed once per generated resource object. */
export function resourceVersion(r: GeneratedResource): string {
  return resourceHash(r);
}

export function createDeltaConnection(ctx: XdsContext): DeltaConnection {
  const core = createConnectionCore(ctx, "delta");
  const outbound = createOutbound<DeltaDiscoveryResponse>();

  /** Sends what differs from what the client holds; `always` answers even when nothing differs. */
  const respond = (st: TypeState, changedAt: number, always: boolean): Promise<void> | undefined => {
    const resources = core.generate(st, true);
    if (!resources) return undefined;
    const current = new Map<string, string>();
    const changed = [];
    for (const r of resources) {
      const v = resourceVersion(r);
      current.set(r.name, v);
      if (st.resourceVersions.get(r.name) !== v) changed.push(create(ResourceSchema, { name: r.name, version: v, resource: r.resource }));
    }
    const removedResources = [...st.resourceVersions.keys()].filter((n) => !current.has(n));
    if (!always && changed.length === 0 && removedResources.length === 0) return undefined;
    const before = new Map<string, string | undefined>();
    for (const r of changed) {
      before.set(r.name, st.resourceVersions.get(r.name));
      st.resourceVersions.set(r.name, r.version);
    }
    for (const n of removedResources) {
      before.set(n, st.resourceVersions.get(n));
      st.resourceVersions.delete(n);
    }
    const systemVersionInfo = ctx.version(st.type);
    const nonce = ctx.nonce();
    st.undo = { nonce, before };
    markSent(st, systemVersionInfo, nonce, st.resourceVersions.size, changedAt, Date.now());
    ctx.metrics.pushed(st.type);
    core.changed();
    return outbound.send(
      create(DeltaDiscoveryResponseSchema, { systemVersionInfo, nonce, typeUrl: TYPE_URL[st.type], resources: changed, removedResources }),
    );
  };

  const handle = (req: DeltaDiscoveryRequest): void => {
    core.captureNode(req.node);
    const type = xdsTypeOf(req.typeUrl);
    if (!type) {
      ctx.log("warn", `ignoring delta request for unknown type URL "${req.typeUrl}" from ${core.label()}`);
      return;
    }
    const first = !core.types.has(type);
    const st = core.typeState(type);
    if (first) {
      // Empty first subscription = wildcard (LDS/CDS style); what the client already holds is not resent.
      st.wildcard = req.resourceNamesSubscribe.length === 0 || req.resourceNamesSubscribe.includes("*");
      for (const [n, v] of Object.entries(req.initialResourceVersions)) st.resourceVersions.set(n, v);
    }
    if (req.responseNonce !== "") {
      if (req.responseNonce !== st.sentNonce) {
        ctx.log("debug", `stale delta ${XDS_SHORT[type]} nonce ${req.responseNonce} from ${core.label()}`);
      } else if (req.errorDetail) {
        rollBack(st);
        markNacked(st, req.errorDetail.message);
        ctx.metrics.rejected(type);
        ctx.log("warn", `${XDS_SHORT[type]} delta NACK from ${core.label()}: ${req.errorDetail.message}`);
      } else {
        st.undo = undefined;
        const ms = markAcked(st, st.sentVersion, Date.now());
        if (ms !== undefined) ctx.metrics.converged(ms);
      }
    }
    let subChanged = false;
    for (const n of req.resourceNamesSubscribe) {
      if (n === "*") subChanged ||= !st.wildcard;
      else if (!st.names.has(n)) {
        st.names.add(n);
        subChanged = true;
      }
      if (n === "*") st.wildcard = true;
    }
    for (const n of req.resourceNamesUnsubscribe) {
      if (n === "*") {
        subChanged ||= st.wildcard;
        st.wildcard = false;
      } else if (st.names.delete(n)) subChanged = true;
      // The client forgets what it unsubscribed from, so we must too (no removal is sent for it).
      if (!st.wildcard) st.resourceVersions.delete(n);
    }
    if (subChanged) st.nameList = undefined;
    st.subscribed = st.wildcard || st.names.size > 0;
    if (first || subChanged) {
      if (st.subscribed) void respond(st, 0, first);
      else st.resourceVersions.clear();
    }
    core.changed();
  };

  /** The client rejected the last response: it holds what it held before (names it still subscribes to). */
  const rollBack = (st: TypeState): void => {
    const undo = st.undo;
    st.undo = undefined;
    if (!undo || undo.nonce !== st.sentNonce) return;
    for (const [n, v] of undo.before) {
      if (v === undefined) st.resourceVersions.delete(n);
      else if (st.wildcard || st.names.has(n)) st.resourceVersions.set(n, v);
    }
  };

  return {
    id: core.id,
    protocol: "delta",
    outbound,
    handle,
    subscribed: core.subscribed,
    status: core.status,
    async push(types, changedAt) {
      const sends: Promise<void>[] = [];
      for (const t of core.subscribed(types)) {
        const p = respond(core.typeState(t), changedAt, false);
        if (p) sends.push(p);
      }
      await Promise.all(sends);
    },
  };
}
