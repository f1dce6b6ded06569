// The service registry: merges what each source (demo, watched YAML, RPC, later Kubernetes) contributes,
// keyed by source, and tells listeners whether services or only endpoints changed (an endpoint-only
// change pushes EDS alone).

import type { RegistryChange, RegistrySnapshot, Service, ServiceRegistry, WorkloadInstance } from "./registry-types";

export interface SourceContent {
  services: Service[];
  instances: WorkloadInstance[];
}

export interface MutableServiceRegistry extends ServiceRegistry {
  /** Replaces everything one source contributes. */
  setSource(source: string, content: SourceContent): RegistryChange;
  /** Which source owns a service, for error messages and the UI. */
  sourceOf(hostname: string): string | undefined;
}

export function createServiceRegistry(): MutableServiceRegistry {
  const sources = new Map<string, SourceContent>();
  const listeners = new Set<(c: RegistryChange) => void>();
  let version = 0;
  let byHost = new Map<string, { service: Service; source: string }>();
  let instancesByHost = new Map<string, WorkloadInstance[]>();
  let snap: RegistrySnapshot = { version, services: [], instances: [] };

  function rebuild() {
    byHost = new Map();
    instancesByHost = new Map();
    // First source to register a hostname owns it; sources are kept in registration order.
    for (const [source, c] of sources) for (const s of c.services) if (!byHost.has(s.hostname)) byHost.set(s.hostname, { service: s, source });
    for (const [source, c] of sources) {
      for (const i of c.instances) {
        if (byHost.get(i.service)?.source !== source) continue;
        let list = instancesByHost.get(i.service);
        if (!list) instancesByHost.set(i.service, (list = []));
        list.push(i);
      }
    }
    const services = [...byHost.values()].map((v) => v.service).sort((a, b) => a.hostname.localeCompare(b.hostname));
    snap = { version: ++version, services, instances: services.flatMap((s) => instancesByHost.get(s.hostname) ?? []) };
  }

  return {
    setSource(source, content) {
      // Only this source's contribution can have changed: compare it, not the whole merged registry.
      const before = sources.get(source);
      const change = {
        services: JSON.stringify(before?.services ?? []) !== JSON.stringify(content.services),
        endpoints: JSON.stringify(before?.instances ?? []) !== JSON.stringify(content.instances),
      };
      if (change.services || change.endpoints) {
        sources.set(source, { services: [...content.services], instances: [...content.instances] });
        rebuild();
        for (const l of listeners) {
          try {
            l(change);
          } catch {
            // A listener's failure must not stop the registry or other listeners.
          }
        }
      }
      return change;
    },
    sourceOf: (hostname) => byHost.get(hostname)?.source,
    snapshot: () => snap,
    service: (hostname) => byHost.get(hostname)?.service,
    services: () => snap.services,
    instances: (hostname) => instancesByHost.get(hostname) ?? [],
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
