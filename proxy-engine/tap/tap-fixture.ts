// Test fixture for tap: proxies on loopback from Envoy JSON, a tap collector that resolves when events
// arrive (no fixed sleeps), and a client that returns the exact bytes it received.

import http from "node:http";
import { createProxy, type Proxy, type ProxyRole } from "../proxy";
import { bootstrapFromJson } from "../config/resources";
import { listenerJson, staticClusterJson, type ListenerSpec } from "../test-util/upstream";
import type { TapEvent } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { compileTapMatch } from "./match";
import { createTap, type Tap, type TapOptions } from "./tap";
import { decodeTapEvent } from "./tap-wire";

export interface ProxySpec {
  id?: string;
  role?: ProxyRole;
  listeners: ListenerSpec[];
  /** Static clusters by name: upstream ports (and extra cluster JSON). */
  clusters: Record<string, number[] | { ports: number[]; extra: object }>;
}

export async function startTapProxy(spec: ProxySpec): Promise<{ proxy: Proxy; url(listener?: string): string }> {
  const clusters = Object.entries(spec.clusters).map(([name, c]) => (Array.isArray(c) ? staticClusterJson(name, c) : staticClusterJson(name, c.ports, c.extra)));
  const proxy = createProxy({
    id: spec.id ?? "gw",
    role: spec.role ?? "gateway",
    bootstrap: bootstrapFromJson({ static_resources: { listeners: spec.listeners.map((l) => listenerJson(l)), clusters } }),
  });
  await proxy.start();
  return {
    proxy,
    url(listener) {
      const l = listener ? proxy.listeners().find((x) => x.name === listener) : proxy.listeners()[0];
      return `http://${l!.address}`;
    },
  };
}

export interface TapCollector {
  tap: Tap;
  events: TapEvent[];
  /** Resolves once `n` events were emitted. */
  count(n: number): Promise<TapEvent[]>;
  /** Resolves when the tap completes (limit reached). */
  completed: Promise<void>;
}

export function collectTap(proxies: Proxy[], opts: Partial<TapOptions> = {}): TapCollector {
  const events: TapEvent[] = [];
  const waiters: { n: number; resolve: (e: TapEvent[]) => void }[] = [];
  let complete!: () => void;
  const completed = new Promise<void>((r) => (complete = r));
  const tap = createTap({
    limit: 100,
    match: compileTapMatch(undefined),
    extractHeaders: false,
    ...opts,
    emit(bytes) {
      events.push(decodeTapEvent(bytes));
      for (const w of [...waiters]) if (events.length >= w.n) w.resolve(events), waiters.splice(waiters.indexOf(w), 1);
    },
    onComplete: () => complete(),
  });
  for (const p of proxies) p.taps.register(tap);
  return {
    tap,
    events,
    completed,
    count: (n) => (events.length >= n ? Promise.resolve(events) : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  trailers: NodeJS.Dict<string>;
}

export function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? (opts.body ? "POST" : "GET"), headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), trailers: res.trailers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

export const byCase = <C extends TapEvent["event"]["case"]>(events: TapEvent[], c: C) => events.filter((e) => e.event.case === c);

/** The ResponseEnd value of an event (throws if it is another kind). */
export function responseEndOf(e: TapEvent | undefined) {
  if (e?.event.case !== "responseEnd") throw new Error(`expected responseEnd, got ${e?.event.case}`);
  return e.event.value;
}
