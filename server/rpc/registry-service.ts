// RegistryService: lists the registry's services with their instances and owning source, and is the
// registry's RPC source (ServiceEntry YAML replaces what earlier RPC calls registered).

import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { RegistryService } from "../../proto/gen/meshdash/registry/v1/registry_pb";
import { parseServiceEntries } from "../control-plane/registry/service-entries";
import type { MutableServiceRegistry } from "../control-plane/registry/service-registry";

export const RPC_SOURCE = "rpc";

export function createRegistryService(deps: { registry(): MutableServiceRegistry }): ServiceImpl<typeof RegistryService> {
  return {
    listServices() {
      const registry = deps.registry();
      const snap = registry.snapshot();
      return {
        version: BigInt(snap.version),
        services: snap.services.map((s) => ({
          name: s.name,
          namespace: s.namespace,
          hostname: s.hostname,
          ports: s.ports,
          source: registry.sourceOf(s.hostname) ?? "",
          instances: registry.instances(s.hostname).map((i) => ({ ...i, weight: i.weight ?? 1 })),
        })),
      };
    },
    registerServices(req) {
      const { content, issues } = parseServiceEntries(req.yaml, "request");
      if (issues.length) throw new ConnectError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), Code.InvalidArgument);
      const registry = deps.registry();
      const taken = content.services.filter((s) => (registry.sourceOf(s.hostname) ?? RPC_SOURCE) !== RPC_SOURCE);
      if (taken.length) {
        throw new ConnectError(taken.map((s) => `${s.hostname} is already registered by ${registry.sourceOf(s.hostname)}`).join("; "), Code.AlreadyExists);
      }
      registry.setSource(RPC_SOURCE, content);
      return { hostnames: content.services.map((s) => s.hostname) };
    },
  };
}
