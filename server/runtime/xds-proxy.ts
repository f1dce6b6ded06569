// Starts one engine proxy whose whole config comes from the control plane over ADS (MOSN's model):
// an empty bootstrap naming the node, the engine's xDS client, and a wait for the first full config.

import { bootstrapFromJson, createProxy, createXdsClient, type Proxy, type ProxyRole, type ReportAdapter, type XdsClient } from "../../proxy-engine";

export interface XdsProxyOptions {
  id: string;
  role: ProxyRole;
  /** Envoy node.cluster, e.g. "reviews.default" or "istio-ingressgateway". */
  cluster: string;
  /** node.metadata the generator reads (ROLE, NAMESPACE, SERVICE, ports, LABELS). */
  metadata: Record<string, string | Record<string, string>>;
  locality?: { region?: string; zone?: string; subZone?: string };
  /** `token`: the access token, when the xDS server and admin APIs are reachable beyond loopback. */
  xds: { host: string; port: number; token?: string };
  admin?: { host: string; port: number; token?: string };
  /** Where the proxy's policy filters report finished requests (shared by every proxy of the runtime). */
  reportAdapters?: ReportAdapter[];
}

export interface XdsProxy {
  proxy: Proxy;
  client: XdsClient;
  stop(graceMs: number): Promise<void>;
}

export async function startXdsProxy(opts: XdsProxyOptions): Promise<XdsProxy> {
  const proxy = createProxy({ id: opts.id, role: opts.role, bootstrap: bootstrapFromJson({ node: { id: opts.id, cluster: opts.cluster } }), admin: opts.admin, reportAdapters: opts.reportAdapters });
  await proxy.start();
  const client = createXdsClient({
    target: opts.xds,
    node: { id: opts.id, cluster: opts.cluster, metadata: opts.metadata, locality: opts.locality },
    apply: (res, version) => proxy.applyResources(res, version),
    logger: proxy.logger,
  });
  client.start();
  const stop = async (graceMs: number) => {
    await client.stop();
    await proxy.stop(graceMs);
  };
  try {
    await client.ready();
  } catch (e) {
    await stop(0);
    throw e;
  }
  return { proxy, client, stop };
}
