// The system the reliability run breaks: the real runtime (control plane, config store, demo mesh and its
// ingress, all over xDS) on ephemeral loopback ports and a fresh store, plus a service "faulty" whose
// replicas the run controls, routed from the ingress with Istio's retries and outlier detection.

import { rmSync } from "node:fs";
import { applyConfigYaml } from "../server/control-plane/changes/config-changes";
import { createControlPlane, type ControlPlane } from "../server/control-plane/control-plane";
import { startRuntime, type Runtime } from "../server/runtime/runtime";
import { testRuntimeOptions } from "../server/test-util/runtime-options";
import { startFaultyReplicas, type FaultyReplicas } from "./faulty-replicas";

export const FAULTY_HOST = "faulty.default.svc.cluster.local";
/** The ingress routes this authority to the faulty service. */
export const FAULTY_AUTHORITY = "faulty.reliability.test";

/** Istio YAML for the faulty service's routing: retries on every retriable failure, a per-try timeout. */
export function faultyVirtualService(extra = ""): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: faulty, namespace: default }
spec:
  hosts: [${FAULTY_AUTHORITY}]
  gateways: [bookinfo-gateway]
  http:
    - name: faulty
      route: [{ destination: { host: faulty, port: { number: 80 } } }]
      timeout: 5s
      retries: { attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,reset,connect-failure,gateway-error" }${extra}
`;
}

/** Outlier detection that ejects a replica after two consecutive 5xx (or connect failures, resets, timeouts). */
export const FAULTY_DESTINATION_RULE = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: faulty, namespace: default }
spec:
  host: faulty
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 5s, maxEjectionPercent: 50 }
`;

export interface MeshUnderTest {
  readonly runtime: Runtime;
  readonly replicas: FaultyReplicas;
  /** The control plane serving right now (a restart replaces it). */
  controlPlane(): ControlPlane;
  /** host:port of the demo ingress. */
  readonly ingress: string;
  /** Writes Istio YAML as a new revision on top of the head; resolves with the revision. */
  apply(yaml: string, message: string): Promise<number>;
  /** Waits until every proxy has ACKed every type on the current control plane. */
  synced(timeoutMs: number): Promise<void>;
  /** Stops the control plane (the ADS server goes away; the store stays); `start` brings a new one up on the same port and store. */
  stopControlPlane(): Promise<{ start(): Promise<void> }>;
  stop(): Promise<void>;
}

export async function startMeshUnderTest(replicaCount: number): Promise<MeshUnderTest> {
  const opts = testRuntimeOptions();
  const dataDir = opts.dataDir;
  const runtime = await startRuntime(opts);
  // The faults below make every proxy log (reconnects, NACKs); the table says what matters.
  for (const p of runtime.proxies) p.logger.setLevel("all", "error");
  const replicas = await startFaultyReplicas(replicaCount, "faulty");
  let cp = runtime.controlPlane;
  cp.registry.setSource("reliability", {
    services: [{ name: "faulty", namespace: "default", hostname: FAULTY_HOST, ports: [{ name: "http", port: 80, protocol: "HTTP" }] }],
    instances: replicas.replicas.map((r, i) => ({
      service: FAULTY_HOST,
      name: `faulty-${i}`,
      address: "127.0.0.1",
      ports: { 80: r.port },
      labels: { app: "faulty", version: "v1" },
      locality: { region: "", zone: "", subZone: "" },
      healthy: true,
    })),
  });
  const mesh: MeshUnderTest = {
    runtime,
    replicas,
    controlPlane: () => cp,
    ingress: runtime.ingressAddress()!,
    async apply(yaml, message) {
      const out = await applyConfigYaml(cp, { yaml, expectedRevision: cp.store.head(), author: "reliability", message, dryRun: false });
      return out.revision!.revision;
    },
    synced: (timeoutMs) => cp.synced(runtime.proxies.length, timeoutMs),
    async stopControlPlane() {
      const old = cp;
      const port = Number(runtime.xdsAddress().split(":").pop());
      await old.stop();
      return {
        async start() {
          cp = createControlPlane({ store: old.store, registry: old.registry, xds: { host: opts.host, port }, debounce: { afterMs: opts.debounceAfterMs, maxMs: opts.debounceMaxMs } });
          await cp.start();
        },
      };
    },
    async stop() {
      if (cp !== runtime.controlPlane) await cp.stop();
      await runtime.stop(0);
      await replicas.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await mesh.apply(`${faultyVirtualService()}---\n${FAULTY_DESTINATION_RULE}`, "faulty service: retries and outlier detection");
  await mesh.synced(30_000);
  return mesh;
}
