// Registers every Connect service on one router. Served over Connect (HTTP/1.1, for browsers),
// gRPC and gRPC-Web (h2c, for CLIs) by the same handler.

import type { ConnectRouter } from "@connectrpc/connect";
import { ClusterService } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { ConfigService } from "../../proto/gen/meshdash/config/v1/config_pb";
import { MeshService } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { PolicyService } from "../../proto/gen/meshdash/policy/v1/policy_pb";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { TapService } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { Runtime } from "../runtime/runtime";
import { createClusterService } from "./cluster-service";
import { createConfigService } from "./config-service";
import { createMeshService } from "./mesh-service";
import { createPolicyService } from "./policy-service";
import { createRegistryService } from "./registry-service";
import { createTapService } from "./tap-service";
import { createRouteService, RouteService } from "./route-service";

export function registerRoutes(runtime: Runtime) {
  const proxies = () => runtime.proxies;
  const controlPlane = () => runtime.controlPlane;
  return (router: ConnectRouter) => {
    router.service(TapService, createTapService({ proxies, stopping: runtime.stopping }));
    router.service(MeshService, createMeshService({ proxies, ads: () => runtime.controlPlane.ads, stopping: runtime.stopping }));
    router.service(ConfigService, createConfigService({ controlPlane }));
    router.service(RegistryService, createRegistryService({ registry: () => runtime.controlPlane.registry }));
    router.service(RouteService, createRouteService({ proxies, stopping: runtime.stopping }));
    router.service(PolicyService, createPolicyService({ proxies }));
    router.service(ClusterService, createClusterService({ proxies, sampler: runtime.clusterStats, registry: () => runtime.controlPlane.registry, stopping: runtime.stopping }));
  };
}
