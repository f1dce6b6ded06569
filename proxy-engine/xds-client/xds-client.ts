// The engine's ADS client (MOSN's / Envoy's GrpcMux, SotW): one StreamAggregatedResources stream to the
// control plane, subscribing LDS and CDS (wildcard) and then the RDS and EDS names they reference. Every
// response is validated and applied atomically through `apply` (usually proxy.applyResources), then ACKed
// or NACKed. While the control plane is away the engine keeps its last good config and the client
// reconnects with full-jitter exponential backoff, re-sending its last ACKed versions.

import { create, type JsonValue } from "@bufbuild/protobuf";
import { LocalitySchema, NodeSchema, type Node } from "../../proto/gen/envoy/config/core/v3/base_pb";
import type { ResourcesWithOrigin } from "../config/resources";
import { createLogger, type Logger } from "../log/logger";
import { createAdsConnection, type AdsStream } from "./ads-stream";
import { createBackoff } from "./backoff";
import { createResponseProcessor } from "./response-processor";
import { createSubscriptionStates, discoveryRequest, resetForNewStream } from "./subscription-state";
import { statusOf, type XdsClientStatus } from "./xds-status";
import { isWildcard, XDS_KINDS } from "./xds-kinds";

export type { XdsClientStatus, XdsTypeStatus } from "./xds-status";
export type { XdsKind } from "./xds-kinds";

export interface XdsNode {
  id: string;
  cluster: string;
  metadata?: Record<string, JsonValue>;
  locality?: { region?: string; zone?: string; subZone?: string };
}

export interface XdsClientOptions {
  /** The ADS server (gRPC over h2c), and the access token it wants when it is reachable beyond loopback. */
  target: { host: string; port: number; token?: string };
  node: XdsNode;
  /** Validates and swaps in a full config; throws (ConfigError) to reject it. Usually proxy.applyResources. */
  apply: (res: ResourcesWithOrigin, version: string) => Promise<void>;
  /** Reconnect backoff: full jitter under min(maxMs, baseMs * 2^attempt). Defaults 250 ms and 5 s. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** How long an LDS/CDS update waits for the RDS/EDS names it references. Default 15 s (Envoy's). */
  initialFetchTimeoutMs?: number;
  /** Logs under the "config" component, prefixed "xds:". Usually proxy.logger. */
  logger?: Logger;
}

export interface XdsClient {
  /** Opens the stream (and keeps reopening it) until stop(). */
  start(): void;
  /** Cancels the stream and timers; resolves once an apply in progress has finished. */
  stop(): Promise<void>;
  status(): XdsClientStatus;
  /** Called after every status change; returns an unsubscribe function. */
  onStatus(listener: (s: XdsClientStatus) => void): () => void;
  /** Resolves when the first complete config (LDS and CDS, with their RDS/EDS or after the timeout) is applied. Rejects on stop() before that. */
  ready(): Promise<void>;
}

export const USER_AGENT = "meshdash-proxy-engine";

function nodeMessage(n: XdsNode): Node {
  return create(NodeSchema, {
    id: n.id,
    cluster: n.cluster,
    metadata: n.metadata,
    locality: n.locality ? create(LocalitySchema, { region: n.locality.region ?? "", zone: n.locality.zone ?? "", subZone: n.locality.subZone ?? "" }) : undefined,
    userAgentName: USER_AGENT,
  });
}

export function createXdsClient(opts: XdsClientOptions): XdsClient {
  const logger = opts.logger ?? createLogger(opts.node.id);
  const log = (level: "debug" | "info" | "warning", msg: string) => logger.log("config", level, `xds: ${msg}`);
  const states = createSubscriptionStates();
  const backoff = createBackoff(opts.backoff);
  const conn = createAdsConnection(opts.target);
  const node = nodeMessage(opts.node);
  const listeners = new Set<(s: XdsClientStatus) => void>();
  const info = { connected: false, lastError: undefined as string | undefined, reconnects: 0, ready: false, configVersion: "" };
  let started = false;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let loop: Promise<void> = Promise.resolve();
  let stream: AdsStream | undefined;
  let wake: (() => void) | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;

  let settleReady!: (err?: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => (settleReady = (err) => (err ? reject(err) : resolve())));
  readyPromise.catch(() => {}); // observed by whoever calls ready(); never an unhandled rejection

  const status = () => statusOf(states, { ...info, ...(info.lastError === undefined ? {} : { lastError: info.lastError }) });
  function emit(): void {
    if (!listeners.size) return;
    const s = status();
    for (const l of listeners) {
      try {
        l(s);
      } catch (e) {
        log("warning", `status listener threw: ${(e as Error).message}`);
      }
    }
  }

  const processor = createResponseProcessor({
    states,
    apply: opts.apply,
    initialFetchTimeoutMs: opts.initialFetchTimeoutMs ?? 15_000,
    logger,
    changed(complete, configVersion) {
      info.configVersion = configVersion;
      if (complete && !info.ready) {
        info.ready = true;
        log("info", `first complete config applied: ${configVersion}`);
        settleReady();
      }
      emit();
    },
  });

  /** Runs one stream to its end; true when it delivered at least one response. */
  async function runStream(): Promise<boolean> {
    resetForNewStream(states);
    const s = conn.open(() => {
      if (info.connected || stopped) return;
      info.connected = true;
      log("info", `connected to ${conn.baseUrl}`);
      emit();
    });
    stream = s;
    // Envoy's order and content on every (re)connect: the node once, last ACKed versions, current names.
    let first = true;
    for (const k of XDS_KINDS) {
      const st = states[k];
      if (!isWildcard(k) && !st.names.length) continue;
      st.started = true;
      s.send(discoveryRequest(st, first ? { node } : {}));
      first = false;
    }
    let got = false;
    try {
      for await (const resp of s.responses) {
        got = true;
        if (!info.connected) {
          info.connected = true;
          emit();
        }
        processor.enqueue(resp, s);
      }
      info.lastError = "stream closed by the control plane";
    } catch (e) {
      if (!stopped) info.lastError = e instanceof Error ? e.message : String(e);
    } finally {
      s.close();
      processor.dropStream(s);
      stream = undefined;
      info.connected = false;
      emit();
    }
    return got;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      wake = resolve;
      sleepTimer = setTimeout(resolve, ms);
    });
  }

  async function run(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      // A response being applied finishes first, so the new stream starts from its versions.
      await processor.idle();
      if (stopped) break;
      if (attempt > 0) info.reconnects++;
      const got = await runStream();
      if (stopped) break;
      if (got) {
        backoff.reset();
        attempt = 0;
      }
      attempt++;
      const delay = backoff.next();
      log("warning", `stream to ${conn.baseUrl} ended (${info.lastError}); reconnect attempt ${attempt} in ${delay} ms`);
      emit();
      await sleep(delay);
    }
  }

  return {
    start() {
      if (started) return;
      if (stopped) throw new Error("xDS client was stopped");
      started = true;
      log("info", `connecting to ${conn.baseUrl} as ${opts.node.id}`);
      loop = run().catch((e) => log("warning", `client loop failed: ${(e as Error).stack ?? e}`));
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        processor.stop();
        clearTimeout(sleepTimer);
        wake?.();
        stream?.close();
        await loop;
        await processor.idle();
        conn.close();
        if (!info.ready) settleReady(new Error("xDS client stopped before the first complete config"));
        emit();
      })();
      return stopping;
    },
    status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => readyPromise,
  };
}
