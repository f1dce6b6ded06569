// The embedded demo mesh: one sidecar proxy per demo workload and the ingress gateway, all configured
// only through the control plane's ADS stream. A workload joins the registry once its sidecar has bound
// its inbound listener, as a pod becomes an endpoint once it is ready.

import type { Proxy, ReportAdapter } from "../../proxy-engine";
import type { Service, WorkloadInstance } from "../control-plane/registry/registry-types";
import type { MutableServiceRegistry } from "../control-plane/registry/service-registry";
import { CLUSTER_DOMAIN } from "../control-plane/rules/resolve-host";
import { startXdsProxy, type XdsProxy } from "../runtime/xds-proxy";
import { DEMO_NAMESPACE, DEMO_SERVICE_PORT, type DemoServices, type DemoWorkload } from "./demo-services";

export interface DemoMesh {
  gateway: Proxy;
  proxies: Proxy[];
  stop(graceMs: number): Promise<void>;
}

export interface DemoMeshOptions {
  services: DemoServices;
  registry: MutableServiceRegistry;
  xds: { host: string; port: number; token?: string };
  /** Interface and port of the ingress listener; port 0 picks a free one. */
  ingress: { host: string; port: number };
  admin?: { host: string; port: number; token?: string };
  reportAdapters?: ReportAdapter[];
}

const ZONES = ["zone-a", "zone-b"];
const hostnameOf = (service: string) => `${service}.${DEMO_NAMESPACE}.${CLUSTER_DOMAIN}`;

export function demoRegistryServices(workloads: DemoWorkload[]): Service[] {
  return [...new Set(workloads.map((w) => w.service))].map((name) => ({
    name,
    namespace: DEMO_NAMESPACE,
    hostname: hostnameOf(name),
    ports: [{ name: "http", port: DEMO_SERVICE_PORT, protocol: "HTTP" }],
  }));
}

export async function startDemoMesh(opts: DemoMeshOptions): Promise<DemoMesh> {
  const { workloads } = opts.services;
  const services = demoRegistryServices(workloads);
  opts.registry.setSource("demo", { services, instances: [] });
  const started: XdsProxy[] = [];
  const stop = async (graceMs: number) => {
    await Promise.all(started.map((p) => p.stop(graceMs)));
  };
  try {
    const gateway = await startXdsProxy({
      id: `router~${opts.ingress.host}~istio-ingressgateway.${DEMO_NAMESPACE}~${DEMO_NAMESPACE}.${CLUSTER_DOMAIN}`,
      role: "gateway",
      cluster: "istio-ingressgateway",
      metadata: { ROLE: "gateway", NAMESPACE: DEMO_NAMESPACE, GATEWAY_PORT: String(opts.ingress.port), LISTEN_HOST: opts.ingress.host },
      xds: opts.xds,
      admin: opts.admin,
      reportAdapters: opts.reportAdapters,
    });
    started.push(gateway);
    const instances: WorkloadInstance[] = [];
    const sidecars = await Promise.all(
      workloads.map((w, i) => {
        const locality = { region: "local", zone: ZONES[i % ZONES.length]!, subZone: "" };
        return startXdsProxy({
          id: `sidecar~${w.host}~${w.name}.${DEMO_NAMESPACE}~${DEMO_NAMESPACE}.${CLUSTER_DOMAIN}`,
          role: "sidecar",
          cluster: `${w.service}.${DEMO_NAMESPACE}`,
          metadata: {
            ROLE: "sidecar",
            NAMESPACE: DEMO_NAMESPACE,
            SERVICE: hostnameOf(w.service),
            APP_PORT: String(w.port),
            INBOUND_PORT: "0",
            OUTBOUND_PORT: "0",
            LISTEN_HOST: w.host,
            LABELS: { app: w.service, version: w.version },
          },
          locality,
          xds: opts.xds,
          reportAdapters: opts.reportAdapters,
        }).then((p) => {
          started.push(p);
          const bound = new Map(p.proxy.listeners().map((l) => [l.name, l.address]));
          const inbound = portOf(bound.get("virtualInbound"));
          const outbound = portOf(bound.get("virtualOutbound"));
          if (!inbound || !outbound) throw new Error(`sidecar ${w.name} did not bind virtualInbound and virtualOutbound (got ${[...bound.keys()].join(", ") || "none"})`);
          w.outbound = { host: w.host, port: outbound };
          instances.push({
            service: hostnameOf(w.service),
            name: w.name,
            address: w.host,
            ports: { [DEMO_SERVICE_PORT]: inbound },
            labels: { app: w.service, version: w.version },
            locality,
            healthy: true,
          });
          return p;
        });
      }),
    );
    // Workloads become endpoints now that their sidecars accept traffic (one EDS push).
    opts.registry.setSource("demo", { services, instances: instances.sort((a, b) => a.name.localeCompare(b.name)) });
    return { gateway: gateway.proxy, proxies: [gateway.proxy, ...sidecars.map((s) => s.proxy)], stop };
  } catch (e) {
    await stop(0);
    throw e;
  }
}

function portOf(address: string | undefined): number | undefined {
  if (!address) return undefined;
  const n = Number(address.slice(address.lastIndexOf(":") + 1));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
