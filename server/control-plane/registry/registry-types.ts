// The service registry's data model (Istio's Service and WorkloadInstance) and the interface every source
// (embedded demo, watched YAML, RPC, later Kubernetes) is merged behind.

export type PortProtocol = "HTTP" | "HTTP2" | "GRPC" | "TCP";

export interface ServicePort {
  /** e.g. "http", "grpc-web". */
  name: string;
  port: number;
  protocol: PortProtocol;
}

export interface Service {
  /** Short name, e.g. "reviews". */
  name: string;
  namespace: string;
  /** Fully qualified, e.g. "reviews.default.svc.cluster.local". Unique key of a service. */
  hostname: string;
  ports: ServicePort[];
}

export interface Locality {
  region: string;
  zone: string;
  subZone: string;
}

export interface WorkloadInstance {
  /** Hostname of the service this instance backs. */
  service: string;
  /** Workload name, e.g. "reviews-v1-0". Unique per service. */
  name: string;
  /** An IP literal (proxyless gRPC clients require one). */
  address: string;
  /** Target port per service port (key: service port number); a missing key means the same number. */
  ports: Record<number, number>;
  labels: Record<string, string>;
  locality: Locality;
  healthy: boolean;
  /** Load-balancing weight, default 1. */
  weight?: number;
}

export interface RegistrySnapshot {
  /** Increases on every change. */
  version: number;
  services: Service[];
  instances: WorkloadInstance[];
}

/** What changed, so a push can send EDS alone when only endpoints moved. */
export interface RegistryChange {
  services: boolean;
  endpoints: boolean;
}

/** A read-only view the generator and validator use. */
export interface ServiceLookup {
  service(hostname: string): Service | undefined;
  services(): readonly Service[];
}

export interface ServiceRegistry extends ServiceLookup {
  snapshot(): RegistrySnapshot;
  instances(hostname: string): readonly WorkloadInstance[];
  onChange(listener: (change: RegistryChange) => void): () => void;
}

/** The port an instance listens on for a service port. */
export function targetPort(instance: WorkloadInstance, servicePort: number): number {
  return instance.ports[servicePort] ?? servicePort;
}
