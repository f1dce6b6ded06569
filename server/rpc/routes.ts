// Registers every Connect service on one router. Served over Connect (HTTP/1.1, for browsers),
// gRPC and gRPC-Web (h2c, for CLIs) by the same handler.

import type { ConnectRouter } from "@connectrpc/connect";
import { MeshService } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { TapService } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import type { Runtime } from "../runtime/runtime";
import { createMeshService } from "./mesh-service";
import { createTapService } from "./tap-service";

export function registerRoutes(runtime: Runtime) {
  const proxies = () => runtime.proxies;
  return (router: ConnectRouter) => {
    router.service(TapService, createTapService({ proxies, stopping: runtime.stopping }));
    router.service(MeshService, createMeshService({ proxies }));
  };
}
