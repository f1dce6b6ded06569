// MeshService: what this process runs right now (proxies, their bound listeners, clusters and endpoints).

import type { ServiceImpl } from "@connectrpc/connect";
import { MeshService, ProxyRole } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import type { Proxy } from "../../proxy-engine";

export function createMeshService(deps: { proxies(): readonly Proxy[] }): ServiceImpl<typeof MeshService> {
  return {
    listProxies() {
      return {
        proxies: deps.proxies().map((p) => {
          const config = p.config();
          return {
            id: p.id,
            role: p.role === "gateway" ? ProxyRole.GATEWAY : ProxyRole.SIDECAR,
            configVersion: config.version,
            adminAddress: p.adminAddress() ?? "",
            listeners: p.listeners(),
            clusters: [...config.clusters.values()].map((c) => ({ name: c.name, endpoints: c.endpoints.map((e) => e.address) })),
          };
        }),
      };
    },
  };
}
