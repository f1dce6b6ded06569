// Test fixture: the real runtime (demo services + ingress proxy) and the real front door with every
// Connect service, on ephemeral loopback ports; pages are left out (e2e covers them).

import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createFrontDoor } from "../http/front-door";
import { registerRoutes } from "../rpc/routes";
import { rpcInterceptors } from "../security/access-token";
import { startRuntime, type Runtime } from "../runtime/runtime";
import { testRuntimeOptions } from "./runtime-options";

export interface TestServer {
  runtime: Runtime;
  baseUrl: string;
  ingressUrl: string;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const runtime = await startRuntime(testRuntimeOptions());
  const door = createFrontDoor(connectNodeAdapter({ routes: registerRoutes(runtime), readMaxBytes: 1 << 20, interceptors: rpcInterceptors(undefined) }));
  const addr = await door.listen(0, "127.0.0.1");
  return {
    runtime,
    baseUrl: `http://127.0.0.1:${addr.port}`,
    ingressUrl: `http://${runtime.ingressAddress()}`,
    async stop() {
      await runtime.stop(200);
      await door.stop(200);
    },
  };
}
