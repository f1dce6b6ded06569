// What SotW and delta streams share: the server context they call into, the node captured from the
// first request, per-type state, guarded generation (a throwing generator is logged and counted), and
// the proxy-status row for the stream.

import { Code, ConnectError } from "@connectrpc/connect";
import type { Node } from "../../proto/gen/envoy/config/core/v3/base_pb";
import type { Outbound } from "./outbound-queue";
import { newTypeState, proxyKind, toProxyNode, toTypeStatus, type TypeState } from "./sync-status";
import type { XdsMetrics } from "./xds-metrics";
import { XDS_SHORT, XDS_TYPES, type GeneratedResource, type ProxyNode, type ProxyStatus, type XdsGenerator, type XdsType } from "./xds-types";

export type XdsLogLevel = "debug" | "info" | "warn" | "error";
export type XdsLog = (level: XdsLogLevel, msg: string) => void;

/** What a stream needs from the server. */
export interface XdsContext {
  generator: XdsGenerator;
  metrics: XdsMetrics;
  log: XdsLog;
  /** Skip pushes of unchanged content; RDS/EDS pushes carry only changed resources (SotW). */
  readonly skipUnchanged: boolean;
  /** Current version of a type (bumped when a push including it starts). */
  version(type: XdsType): string;
  /** A nonce unique across the server's lifetime. */
  nonce(): string;
  /** Something in the status changed (coalesced by the server). */
  changed(): void;
}

export interface ProxyConnection<Req, Res> {
  readonly id: number;
  readonly protocol: "sotw" | "delta";
  readonly outbound: Outbound<Res>;
  handle(req: Req): void;
  /** The subset of `types` this stream is subscribed to, in the same order. */
  subscribed(types: readonly XdsType[]): XdsType[];
  /** Generates and queues `types` (in the given order); resolves once all were written. */
  push(types: readonly XdsType[], changedAt: number): Promise<void>;
  /** undefined until the first request told us the node. */
  status(): ProxyStatus | undefined;
}

export interface ConnectionCore {
  readonly id: number;
  readonly types: Map<XdsType, TypeState>;
  node(): ProxyNode | undefined;
  /** Takes the node from the first request; later requests may omit it. Throws if the first has none. */
  captureNode(node: Node | undefined): ProxyNode;
  typeState(type: XdsType): TypeState;
  /** Runs the generator for one type; `filter` keeps only subscribed names unless wildcard. */
  generate(st: TypeState, filter: boolean): GeneratedResource[] | undefined;
  subscribed(types: readonly XdsType[]): XdsType[];
  /** Something in this stream's status changed: its row is rebuilt next time, and the server told. */
  changed(): void;
  status(): ProxyStatus | undefined;
  label(): string;
}

let nextId = 1;

export function createConnectionCore(ctx: XdsContext, protocol: "sotw" | "delta"): ConnectionCore {
  const id = nextId++;
  const connectedAt = Date.now();
  const types = new Map<XdsType, TypeState>();
  let node: ProxyNode | undefined;
  let row: ProxyStatus | undefined;
  const changed = () => {
    row = undefined;
    ctx.changed();
  };

  const label = () => `${node?.id || "?"} (${protocol} #${id})`;

  return {
    id,
    types,
    node: () => node,
    label,
    captureNode(n) {
      if (node) return node;
      if (!n || !n.id) throw new ConnectError("the first request on an ADS stream must carry node.id", Code.InvalidArgument);
      node = toProxyNode(n);
      changed();
      return node;
    },
    typeState(type) {
      let st = types.get(type);
      if (!st) {
        st = newTypeState(type);
        types.set(type, st);
      }
      return st;
    },
    generate(st, filter) {
      if (!node) return undefined;
      try {
        // The same list object while the names are unchanged, so that generators can memoize on it.
        const names = st.wildcard ? [] : (st.nameList ??= [...st.names]);
        const { resources, onlyRequested } = ctx.generator.generate(node, st.type, names);
        return !filter || st.wildcard || onlyRequested ? resources : resources.filter((r) => st.names.has(r.name));
      } catch (e) {
        ctx.metrics.pushError(st.type);
        ctx.log("error", `generating ${XDS_SHORT[st.type]} for ${label()} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        return undefined;
      }
    },
    subscribed(wanted) {
      return wanted.filter((t) => types.get(t)?.subscribed === true);
    },
    changed,
    /** Cached until the next change; callers get the same row object meanwhile and must not modify it. */
    status() {
      if (!node) return undefined;
      if (row) return row;
      const rows = XDS_TYPES.flatMap((t) => {
        const st = types.get(t);
        return st ? [toTypeStatus(st)] : [];
      });
      return (row = {
        node,
        kind: proxyKind(node, types.get("listener")?.names ?? []),
        connectedAt,
        protocol,
        types: rows,
      });
    },
  };
}
