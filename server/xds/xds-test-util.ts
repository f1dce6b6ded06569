// Test fixtures for the ADS server: a raw xDS stream client over Connect's gRPC transport, a mutable
// in-memory XdsGenerator, and a polling helper with a deadline (no fixed sleeps).

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { AggregatedDiscoveryService } from "../../proto/gen/envoy/service/discovery/v3/ads_pb";
import type {
  DeltaDiscoveryRequestSchema,
  DeltaDiscoveryResponse,
  DiscoveryRequestSchema,
  DiscoveryResponse,
} from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import type { GeneratedResource, ProxyNode, XdsGenerator, XdsType } from "./xds-types";

/** An async iterable fed by push(); ends on end(). */
function pushable<T>() {
  const items: T[] = [];
  let done = false;
  let wake: (() => void) | undefined;
  return {
    push(v: T) {
      items.push(v);
      wake?.();
    },
    end() {
      done = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const v = items.shift();
        if (v !== undefined) yield v;
        else if (done) return;
        else await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
  };
}

export interface RawStream<ReqInit, Res> {
  send(req: ReqInit): void;
  /** The next response; rejects when none arrives within `ms` or the stream ends. */
  next(ms?: number): Promise<Res>;
  /** Half-closes the request side. */
  end(): void;
  /** Cancels the call and closes the HTTP/2 connection. */
  close(): void;
}

function open<ReqInit, Res>(
  addr: string,
  call: (client: Client<typeof AggregatedDiscoveryService>, reqs: AsyncIterable<ReqInit>, signal: AbortSignal) => AsyncIterable<Res>,
): RawStream<ReqInit, Res> {
  const sessionManager = new Http2SessionManager(`http://${addr}`);
  const transport = createGrpcTransport({ baseUrl: `http://${addr}`, sessionManager });
  const client = createClient(AggregatedDiscoveryService, transport);
  const reqs = pushable<ReqInit>();
  const abort = new AbortController();
  const it = call(client, reqs, abort.signal)[Symbol.asyncIterator]();
  return {
    send: (r) => reqs.push(r),
    end: () => reqs.end(),
    async next(ms = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no xDS response within ${ms}ms`)), ms);
      });
      try {
        const r = await Promise.race([it.next(), timeout]);
        if (r.done) throw new Error("xDS stream ended");
        return r.value;
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      reqs.end();
      abort.abort();
      sessionManager.abort();
    },
  };
}

export type SotwReq = MessageInitShape<typeof DiscoveryRequestSchema>;
export type DeltaReq = MessageInitShape<typeof DeltaDiscoveryRequestSchema>;

export const openSotw = (addr: string) =>
  open<SotwReq, DiscoveryResponse>(addr, (c, reqs, signal) => c.streamAggregatedResources(reqs, { signal }));
export const openDelta = (addr: string) =>
  open<DeltaReq, DeltaDiscoveryResponse>(addr, (c, reqs, signal) => c.deltaAggregatedResources(reqs, { signal }));

export interface FakeGenerator extends XdsGenerator {
  resources: Partial<Record<XdsType, GeneratedResource[]>>;
  /** When set, generate() throws for nodes with this id. */
  failFor?: string;
  calls: { node: string; type: XdsType; names: readonly string[] }[];
}

/** Returns the configured resources, filtered by the names for non-wildcard subscriptions. */
export function fakeGenerator(resources: FakeGenerator["resources"] = {}): FakeGenerator {
  const g: FakeGenerator = {
    resources,
    calls: [],
    generate(node: ProxyNode, type: XdsType, names: readonly string[]) {
      g.calls.push({ node: node.id, type, names });
      if (g.failFor === node.id) throw new Error(`generator failure for ${node.id}`);
      const all = g.resources[type] ?? [];
      return { resources: names.length === 0 ? all : all.filter((r) => names.includes(r.name)) };
    },
  };
  return g;
}

export function cluster(name: string, connectTimeoutSeconds = 1): GeneratedResource {
  return { name, resource: anyPack(ClusterSchema, create(ClusterSchema, { name, connectTimeout: { seconds: BigInt(connectTimeoutSeconds) } })) };
}

export function endpoints(name: string): GeneratedResource {
  return { name, resource: anyPack(ClusterLoadAssignmentSchema, create(ClusterLoadAssignmentSchema, { clusterName: name })) };
}

export function node(id: string, metadata: Record<string, string> = {}) {
  return { id, cluster: "test", metadata, locality: {} };
}

/** Polls `check` (sync or async) until it returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
