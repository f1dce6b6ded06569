// Composition root: builds the demo services, the proxies and the traffic generator exactly once per
// process, and stops them in order. The instance lives on globalThis because Next may load server modules
// more than once; a second start returns the first runtime instead of building duplicate engines.

import { createProxy, type Proxy } from "../../proxy-engine";
import { demoIngressBootstrap } from "../demo/demo-bootstrap";
import { startDemoServices, type DemoServices } from "../demo/demo-services";
import { startTrafficGenerator, type TrafficGenerator } from "../demo/traffic-generator";
import { loadBootstrapFile } from "./load-bootstrap";
import type { RuntimeOptions } from "./runtime-options";

export interface Runtime {
  readonly proxies: readonly Proxy[];
  /** Aborted when the runtime stops; long-lived RPC streams end on it. */
  readonly stopping: AbortSignal;
  ingressAddress(): string | undefined;
  stop(graceMs: number): Promise<void>;
}

const KEY = Symbol.for("meshdash.runtime");
type Holder = { [KEY]?: Promise<Runtime> };

export function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const g = globalThis as Holder;
  g[KEY] ??= buildRuntime(opts).catch((e: unknown) => {
    delete g[KEY];
    throw e;
  });
  return g[KEY];
}

/** The running runtime, if one was started in this process. */
export function currentRuntime(): Promise<Runtime> | undefined {
  return (globalThis as Holder)[KEY];
}

async function buildRuntime(opts: RuntimeOptions): Promise<Runtime> {
  let demo: DemoServices | undefined;
  let traffic: TrafficGenerator | undefined;
  const stopping = new AbortController();
  const ingressAt = { host: opts.host, port: opts.ingressPort };
  let bootstrap;
  if (opts.bootstrapFile) {
    bootstrap = await loadBootstrapFile(opts.bootstrapFile);
  } else {
    demo = await startDemoServices();
    bootstrap = demoIngressBootstrap(demo.endpoints, ingressAt);
  }
  let ingress: Proxy | undefined;
  try {
    ingress = createProxy({ id: bootstrap.node?.id || "ingressgateway", role: "gateway", bootstrap, admin: { host: opts.host, port: opts.adminPort } });
    await ingress.start();
  } catch (e) {
    await Promise.all([ingress?.stop(0), demo?.stop()]);
    throw e;
  }
  const proxies = [ingress];
  const gateway = ingress;
  const ingressAddress = () => gateway.listeners()[0]?.address;
  if (demo && opts.demoTrafficRps > 0) {
    const [host, port] = splitHostPort(ingressAddress()!);
    traffic = startTrafficGenerator({ host, port }, opts.demoTrafficRps);
  }
  return {
    proxies,
    stopping: stopping.signal,
    ingressAddress,
    async stop(graceMs) {
      stopping.abort();
      await traffic?.stop();
      await Promise.all(proxies.map((p) => p.stop(graceMs)));
      await demo?.stop();
      delete (globalThis as Holder)[KEY];
    },
  };
}

function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(":");
  return [address.slice(0, i), Number(address.slice(i + 1))];
}
