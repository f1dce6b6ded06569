// Timing check (printed, not asserted): CDS+EDS+RDS+LDS for 1,000 services × 10 endpoints, first for one
// sidecar (building the per-push cache), then for 100 sidecars sharing it.
import { describe, expect, it } from "vitest";
import type { ProxyNode, XdsType } from "../../xds/xds-types";
import type { Service, WorkloadInstance } from "../registry/registry-types";
import type { DestinationRule, VirtualService } from "../rules/istio-types";
import { createGenerator } from "./generator";
import { buildPushContext } from "./push-context";

const SERVICES = 1000;
const ENDPOINTS = 10;
const PROXIES = 100;

function bigContext() {
  const services: Service[] = [];
  const instances: WorkloadInstance[] = [];
  const virtualServices: VirtualService[] = [];
  const destinationRules: DestinationRule[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const name = `svc-${s}`;
    const namespace = `ns-${s % 10}`;
    const hostname = `${name}.${namespace}.svc.cluster.local`;
    services.push({ name, namespace, hostname, ports: [{ name: "http", port: 8080, protocol: "HTTP" }] });
    for (let e = 0; e < ENDPOINTS; e++) {
      instances.push({ service: hostname, name: `${name}-${e}`, address: `10.${s >> 8}.${s & 255}.${e + 1}`, ports: {}, labels: { version: e % 2 ? "v2" : "v1" }, locality: { region: "r", zone: `z${e % 3}`, subZone: "" }, healthy: true });
    }
    if (s % 10 === 0) {
      const meta = { name, namespace };
      destinationRules.push({ kind: "DestinationRule", metadata: meta, spec: { host: name, subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }] } });
      virtualServices.push({ kind: "VirtualService", metadata: meta, spec: { hosts: [name], http: [{ route: [{ destination: { host: name, subset: "v1" }, weight: 90 }, { destination: { host: name, subset: "v2" }, weight: 10 }] }] } });
    }
  }
  return buildPushContext({ version: 1, registry: { version: 1, services, instances }, virtualServices, destinationRules });
}

const sidecar = (i: number): ProxyNode => ({
  id: `sidecar~10.9.0.${i}~app-${i}.ns-0~ns-0.svc.cluster.local`,
  cluster: "",
  metadata: { NAMESPACE: "ns-0", SERVICE: `svc-${i * 10}.ns-0.svc.cluster.local`, INBOUND_PORT: "15006", OUTBOUND_PORT: "15001", APP_PORT: "8080" },
  locality: { region: "", zone: "", subZone: "" },
  userAgent: "timing",
});

const TYPES: XdsType[] = ["cluster", "endpoint", "listener", "route"];

describe("generator timing", () => {
  it("generates for 1,000 services × 10 endpoints, then 100 sidecars from the cache (two pushes: cold and warm JIT)", () => {
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    for (const push of ["push 1 (cold)", "push 2 (warm)"]) {
      const t0 = performance.now();
      const ctx = bigContext();
      const t1 = performance.now();
      const g = createGenerator(() => ctx);
      const perType = TYPES.map((t) => {
        const a = performance.now();
        const n = g.generate(sidecar(0), t, []).resources.length;
        return { t, n, ms: performance.now() - a };
      });
      const t2 = performance.now();
      for (let i = 1; i <= PROXIES; i++) for (const t of TYPES) g.generate(sidecar(i), t, []);
      const t3 = performance.now();
      console.log(
        `[generator timing] ${push}, ${SERVICES} services × ${ENDPOINTS} endpoints: buildPushContext ${fmt(t1 - t0)}; ` +
          `first sidecar ${fmt(t2 - t1)} (${perType.map((p) => `${p.t} ${p.n} in ${fmt(p.ms)}`).join(", ")}); ` +
          `${PROXIES} more sidecars ${fmt(t3 - t2)} (${fmt((t3 - t2) / PROXIES)} each)`,
      );
      expect(perType.map((p) => p.n)).toEqual([SERVICES + 200 + 1, SERVICES + 200, 2, 1]);
    }
  });
});
