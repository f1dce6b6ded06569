// Processes DiscoveryResponses one at a time, in order: decode, build the candidate full config (LDS/CDS
// replace their kind; RDS/EDS replace the names they carry), keep RDS/EDS subscriptions in step with
// LDS/CDS, hold an LDS/CDS update while the RDS/EDS names it needs have not arrived (warming, bounded by
// the initial fetch timeout), apply through the engine, then ACK or NACK on the stream it came from.
// LDS and CDS warm independently (as Envoy's listener and cluster warming do); a newer response of a
// warming kind replaces the held one, which is then never ACKed (its nonce is stale). While a CDS warms,
// LDS and RDS wait behind it (make before break): an LDS still warms and subscribes its RDS names, but
// neither goes live before the clusters, so a push that adds a cluster and a route to it never answers
// 503 "no cluster" in between.

import type { DiscoveryResponse, DiscoveryRequest } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import type { ResourcesWithOrigin } from "../config/resources";
import type { Logger } from "../log/logger";
import { edsNamesOfMap, rdsNamesOfMap, sameNames } from "./dependencies";
import { decodeResources, type ResourceMaps, type ResourceOf } from "./resource-decode";
import { acceptedMaps, ackedVersions, discoveryRequest, formatConfigVersion, mergeResources, missingNames, nameSet, onlySubscribed, toEngineResources, type SubscriptionStates } from "./subscription-state";
import { isWildcard, kindOfTypeUrl, SHORT_NAMES, XDS_KINDS, type XdsKind } from "./xds-kinds";

/** Where a response came from, and where its ACK goes (a no-op once that stream is gone). */
export interface Outbox {
  send(req: DiscoveryRequest): void;
}

interface Item {
  resp: DiscoveryResponse;
  out: Outbox;
}

interface Warming {
  kind: "lds" | "cds";
  item: Item;
  resources: Map<string, ResourceOf["lds"]> | Map<string, ResourceOf["cds"]>;
  expired: boolean;
  timer: NodeJS.Timeout;
}

export interface ResponseProcessorDeps {
  states: SubscriptionStates;
  apply: (res: ResourcesWithOrigin, version: string) => Promise<void>;
  initialFetchTimeoutMs: number;
  logger: Logger;
  /** After anything that changes status; `complete` once LDS and CDS are applied with what they need. */
  changed: (complete: boolean, configVersion: string) => void;
}

export interface ResponseProcessor {
  enqueue(resp: DiscoveryResponse, out: Outbox): void;
  /** Forgets queued and warming responses of a stream that ended (the next stream gets them again). */
  dropStream(out: Outbox): void;
  /** Resolves when nothing is being applied. */
  idle(): Promise<void>;
  stop(): void;
}

export function createResponseProcessor(deps: ResponseProcessorDeps): ResponseProcessor {
  const { states, logger } = deps;
  const inbox: Item[] = [];
  const warming: { lds?: Warming; cds?: Warming } = {};
  let processing = false;
  let stopped = false;
  let expiredOnce = false;
  let configVersion = "";
  const idleWaiters: (() => void)[] = [];
  const log = (level: "debug" | "info" | "warning", msg: string) => logger.log("config", level, `xds: ${msg}`);

  /** Subscribes RDS/EDS to exactly the names the LDS/CDS in effect (warming, else accepted) reference. */
  function syncSubscriptions(out: Outbox): void {
    const lds = (warming.lds?.resources as Map<string, ResourceOf["lds"]> | undefined) ?? states.lds.accepted;
    const cds = (warming.cds?.resources as Map<string, ResourceOf["cds"]> | undefined) ?? states.cds.accepted;
    for (const [kind, names] of [["rds", rdsNamesOfMap(lds)], ["eds", edsNamesOfMap(cds)]] as const) {
      const st = states[kind];
      if (sameNames(st.names, names)) continue;
      st.names = names;
      // Nothing is sent before the first name: an empty first request would be a wildcard one.
      if (!names.length && !st.started) continue;
      st.started = true;
      log("debug", `${SHORT_NAMES[kind]} subscription: [${names.join(", ")}]`);
      out.send(discoveryRequest(st));
    }
  }

  /** The RDS (for LDS) or EDS (for CDS) names subscribed but not yet arrived. */
  const waitingFor = (kind: "lds" | "cds") => missingNames(states)[kind === "lds" ? "rds" : "eds"];

  function complete(): boolean {
    const m = missingNames(states);
    return states.lds.acceptedOnce && states.cds.acceptedOnce && !warming.lds && !warming.cds && (expiredOnce || (!m.rds.length && !m.eds.length));
  }

  async function applyAndAck(kind: XdsKind, item: Item, resources: ReadonlyMap<string, unknown>): Promise<void> {
    const st = states[kind];
    const maps = { ...acceptedMaps(states), [kind]: resources } as ResourceMaps;
    // Names the applied LDS/CDS still use stay even when a warming update has already unsubscribed them.
    const next: ResourceMaps = {
      ...maps,
      rds: onlySubscribed(maps.rds, states.rds.names, rdsNamesOfMap(maps.lds)),
      eds: onlySubscribed(maps.eds, states.eds.names, edsNamesOfMap(maps.cds)),
    };
    const version = formatConfigVersion({ ...ackedVersions(states), [kind]: item.resp.versionInfo });
    try {
      await deps.apply(toEngineResources(next), version);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      st.lastNack = message;
      log("warning", `NACK ${SHORT_NAMES[kind]} version ${item.resp.versionInfo} (nonce ${item.resp.nonce}): ${message}`);
      item.out.send(discoveryRequest(st, { nonce: item.resp.nonce, error: message }));
      return;
    }
    for (const k of XDS_KINDS) (states[k] as { accepted: ReadonlyMap<string, unknown> }).accepted = next[k];
    st.version = item.resp.versionInfo;
    st.acceptedOnce = true;
    st.lastNack = undefined;
    st.lastUpdate = Date.now();
    configVersion = version;
    log("debug", `ACK ${SHORT_NAMES[kind]} version ${item.resp.versionInfo} (nonce ${item.resp.nonce}), config ${version}`);
    item.out.send(discoveryRequest(st, { nonce: item.resp.nonce }));
  }

  async function handle(item: Item): Promise<void> {
    const { resp, out } = item;
    const kind = kindOfTypeUrl(resp.typeUrl);
    if (!kind) return log("warning", `ignoring a response of unsubscribed type ${resp.typeUrl}`);
    const st = states[kind];
    const decoded = decodeResources(kind, resp.resources);
    if (!decoded.ok) {
      st.lastNack = decoded.message;
      log("warning", `NACK ${SHORT_NAMES[kind]} version ${resp.versionInfo} (nonce ${resp.nonce}): ${decoded.message}`);
      return out.send(discoveryRequest(st, { nonce: resp.nonce, error: decoded.message }));
    }
    if (!isWildcard(kind)) {
      return applyAndAck(kind, item, mergeResources(st.accepted, decoded.resources, nameSet(st.names)));
    }
    const resources = decoded.resources as Warming["resources"];
    drop(warming[kind], "superseded while warming");
    const w: Warming = { kind, item, resources, expired: false, timer: setTimeout(() => expire(w), deps.initialFetchTimeoutMs) };
    warming[kind] = w;
    syncSubscriptions(out);
    const waitFor = waitingFor(kind);
    if (waitFor.length) log("info", `${SHORT_NAMES[kind]} version ${resp.versionInfo} warming: waiting for ${kind === "lds" ? "RDS" : "EDS"} [${waitFor.join(", ")}]`);
  }

  function expire(w: Warming): void {
    w.expired = true;
    kick();
  }

  function drop(w: Warming | undefined, why: string): void {
    if (!w) return;
    clearTimeout(w.timer);
    if (warming[w.kind] === w) delete warming[w.kind];
    log("info", `${SHORT_NAMES[w.kind]} version ${w.item.resp.versionInfo} ${why}`);
  }

  /** The first queued response that may go now: RDS waits while a CDS warms (an LDS warms meanwhile). */
  function nextItem(): Item | undefined {
    if (!warming.cds) return inbox.shift();
    const i = inbox.findIndex((it) => kindOfTypeUrl(it.resp.typeUrl) !== "rds");
    return i < 0 ? undefined : inbox.splice(i, 1)[0];
  }

  /** A warming update whose names all arrived, or whose time is up; CDS first (clusters before their users). */
  function ripe(): Warming | undefined {
    for (const k of ["cds", "lds"] as const) {
      const w = warming[k];
      if (w && (w.expired || (!waitingFor(k).length && (k === "cds" || !warming.cds)))) return w;
    }
    return undefined;
  }

  async function finishWarming(w: Warming): Promise<void> {
    clearTimeout(w.timer);
    delete warming[w.kind];
    if (w.expired) {
      expiredOnce = true;
      const m = waitingFor(w.kind);
      log("warning", `initial fetch timeout (${deps.initialFetchTimeoutMs} ms): applying ${SHORT_NAMES[w.kind]} version ${w.item.resp.versionInfo} without [${m.join(", ")}]`);
    }
    await applyAndAck(w.kind, w.item, w.resources);
  }

  async function drain(): Promise<void> {
    try {
      while (!stopped) {
        // A held update that became ready goes before later responses.
        const w = ripe();
        const item = w ? w.item : nextItem();
        if (w) await finishWarming(w);
        else if (item) await handle(item);
        else break;
        syncSubscriptions(item!.out);
        deps.changed(complete(), configVersion);
      }
    } catch (e) {
      log("warning", `unexpected error processing a response: ${(e as Error).stack ?? e}`);
    } finally {
      processing = false;
      for (const w of idleWaiters.splice(0)) w();
    }
  }

  function kick(): void {
    if (processing || stopped) return;
    processing = true;
    void drain();
  }

  return {
    enqueue(resp, out) {
      // The newest nonce seen goes on subscription changes, even while its response waits in the queue.
      const kind = kindOfTypeUrl(resp.typeUrl);
      if (kind) states[kind].nonce = resp.nonce;
      inbox.push({ resp, out });
      kick();
    },
    dropStream(out) {
      for (let i = inbox.length - 1; i >= 0; i--) if (inbox[i]!.out === out) inbox.splice(i, 1);
      for (const w of [warming.lds, warming.cds]) if (w?.item.out === out) drop(w, "dropped with its stream");
      syncSubscriptions(out);
      // Responses of a newer stream may have been waiting behind the CDS just dropped.
      kick();
    },
    idle: () => (processing ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    stop() {
      stopped = true;
      inbox.length = 0;
      for (const w of [warming.lds, warming.cds]) if (w) clearTimeout(w.timer);
      delete warming.lds;
      delete warming.cds;
    },
  };
}
