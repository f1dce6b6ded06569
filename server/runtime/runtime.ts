// Composition root: builds the control plane (config store, registry, ADS server), the demo mesh (its
// workloads, their sidecars and the ingress gateway, all configured over xDS) and the traffic generator
// exactly once per process, and stops them in order. The instance lives on globalThis because Next may
// load server modules more than once; a second start returns the first runtime.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { createWriteStream } from "node:fs";
import { createIstioMetrics, createJsonAccessLog, createProxy, redactHeaders, type IstioMetrics, type Proxy, type ReportAdapter } from "../../proxy-engine";
import { applyConfigYaml } from "../control-plane/changes/config-changes";
import { createControlPlane, type ControlPlane } from "../control-plane/control-plane";
import { createServiceRegistry } from "../control-plane/registry/service-registry";
import { startYamlFileSource, type YamlFileSource } from "../control-plane/registry/yaml-file-source";
import { openSqliteConfigStore } from "../control-plane/store/sqlite-config-store";
import { demoRegistryServices, startDemoMesh, type DemoMesh } from "../demo/demo-mesh";
import { startDemoServices, type DemoServices } from "../demo/demo-services";
import { startTrafficGenerator, type TrafficGenerator } from "../demo/traffic-generator";
import { createClusterStatsSampler, type ClusterStatsSampler } from "../stats-history/cluster-stats-sampler";
import { istioSeries } from "../stats-history/istio-series";
import { loadBootstrapFile } from "./load-bootstrap";
import type { RuntimeOptions } from "./runtime-options";

export interface Runtime {
  readonly proxies: readonly Proxy[];
  readonly controlPlane: ControlPlane;
  /** Samples every proxy's cluster stats every few seconds (history for the Clusters and Overview pages). */
  readonly clusterStats: ClusterStatsSampler;
  /** Istio's standard request metrics, reported by every proxy's policy filter (served at /metrics). */
  readonly istioMetrics: IstioMetrics;
  /** Aborted when the runtime stops; long-lived RPC streams end on it. */
  readonly stopping: AbortSignal;
  ingressAddress(): string | undefined;
  xdsAddress(): string;
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

const DEMO_RULES = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "demo", "bookinfo-rules.yaml");

async function buildRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async (graceMs: number) => {
    for (const c of cleanups.reverse()) await c();
    void graceMs;
  };
  const stopping = new AbortController();
  let proxies: Proxy[] = [];
  let gateway: Proxy | undefined;
  let traffic: TrafficGenerator | undefined;
  let grace = 0;
  try {
    redactHeaders(opts.redactHeaders);
    const istioMetrics = createIstioMetrics();
    const reportAdapters: ReportAdapter[] = [istioMetrics, ...accessLogAdapter(opts.accessLog, cleanups)];
    const store = openSqliteConfigStore({ path: path.join(opts.dataDir, "config.db") });
    cleanups.push(() => store.close());
    const registry = createServiceRegistry();
    let files: YamlFileSource | undefined;
    if (opts.registryFile) {
      files = await startYamlFileSource(registry, opts.registryFile, (issues) => {
        for (const i of issues) console.error(`[registry] ${i.path}: ${i.message}`);
      });
      cleanups.push(() => files?.close());
    }
    const token = opts.accessToken;
    const controlPlane = createControlPlane({ store, registry, xds: { host: opts.host, port: opts.xdsPort, token }, debounce: { afterMs: opts.debounceAfterMs, maxMs: opts.debounceMaxMs } });
    const xdsAddress = await controlPlane.start();
    cleanups.push(() => controlPlane.stop());
    if (opts.bootstrapFile) {
      const bootstrap = await loadBootstrapFile(opts.bootstrapFile);
      gateway = createProxy({ id: bootstrap.node?.id || "ingressgateway", role: "gateway", bootstrap, admin: { host: opts.host, port: opts.adminPort, token }, reportAdapters });
      const g = gateway;
      cleanups.push(() => g.stop(grace));
      await gateway.start();
      proxies = [gateway];
    } else {
      const services: DemoServices = await startDemoServices(opts.host);
      cleanups.push(() => services.stop());
      // Services are known before their workloads are ready, so the demo rules validate against them.
      registry.setSource("demo", { services: demoRegistryServices(services.workloads), instances: [] });
      if (store.head() === 0) {
        await applyConfigYaml(controlPlane, { yaml: await readFile(DEMO_RULES, "utf8"), expectedRevision: 0, author: "meshdash", message: "Bookinfo demo rules", dryRun: false });
      }
      // The first push context holds the demo services and rules before any proxy connects, so no proxy
      // starts from the empty context the control plane was created with.
      await controlPlane.idle();
      const [xdsHost, xdsPort] = splitHostPort(xdsAddress);
      const mesh: DemoMesh = await startDemoMesh({ services, registry, xds: { host: xdsHost, port: xdsPort, token }, ingress: { host: opts.host, port: opts.ingressPort }, admin: { host: opts.host, port: opts.adminPort, token }, reportAdapters });
      cleanups.push(() => mesh.stop(grace));
      gateway = mesh.gateway;
      proxies = mesh.proxies;
      // Endpoints registered as the sidecars came up; let that push land (ACKed by every proxy) before
      // traffic starts. A slow proxy delays the start by at most 10 s, with a warning naming it.
      await controlPlane.synced(proxies.length, 10_000).catch((e: Error) => console.warn(`[runtime] demo mesh: ${e.message}`));
      if (opts.demoTrafficRps > 0) {
        const address = gateway.listeners()[0]?.address;
        if (address) {
          const [host, port] = splitHostPort(address);
          traffic = startTrafficGenerator({ host, port }, opts.demoTrafficRps);
          const t = traffic;
          cleanups.push(() => t.stop());
        }
      }
    }
    const gw = gateway;
    const running = proxies;
    const clusterStats = createClusterStatsSampler({ proxies: () => running, series: () => istioSeries(istioMetrics) });
    clusterStats.start();
    cleanups.push(() => clusterStats.stop());
    return {
      proxies,
      controlPlane,
      clusterStats,
      istioMetrics,
      stopping: stopping.signal,
      ingressAddress: () => gw.listeners()[0]?.address,
      xdsAddress: () => xdsAddress,
      async stop(graceMs) {
        stopping.abort();
        grace = graceMs;
        await cleanup(graceMs);
        delete (globalThis as Holder)[KEY];
      },
    };
  } catch (e) {
    await cleanup(0);
    throw e;
  }
}

function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(":");
  return [address.slice(0, i), Number(address.slice(i + 1))];
}

/** The JSON access log adapter when ACCESS_LOG names a file (appended to) or "stdout"; none otherwise. */
function accessLogAdapter(target: string | undefined, cleanups: (() => Promise<void> | void)[]): ReportAdapter[] {
  if (!target) return [];
  if (target === "stdout") return [createJsonAccessLog({ write: (line) => process.stdout.write(line) })];
  const out = createWriteStream(target, { flags: "a" });
  out.on("error", (e) => console.error(`[access log] ${target}: ${e.message}; access log lines are dropped`));
  cleanups.push(() => new Promise<void>((resolve) => out.end(resolve)));
  return [createJsonAccessLog({ write: (line) => void out.write(line) })];
}
