// Test fixture: a Bookinfo-like mesh (productpage, details, reviews v1/v2/v3, ratings, a gRPC greeter),
// its routing rules, proxy nodes of each kind, and helpers to unpack generated resources.

import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { Generated, ProxyNode, XdsGenerator, XdsType } from "../../xds/xds-types";
import type { Service, WorkloadInstance } from "../registry/registry-types";
import type { DestinationRule, PolicyRule, VirtualService } from "../rules/istio-types";
import { buildPushContext, type PushContext } from "./push-context";

const NS = "default";
const fqdn = (n: string) => `${n}.${NS}.svc.cluster.local`;

export const HOSTS = { productpage: fqdn("productpage"), details: fqdn("details"), reviews: fqdn("reviews"), ratings: fqdn("ratings"), greeter: fqdn("greeter") };

function svc(name: string, port = 9080, protocol: Service["ports"][number]["protocol"] = "HTTP"): Service {
  return { name, namespace: NS, hostname: fqdn(name), ports: [{ name: protocol === "GRPC" ? "grpc" : "http", port, protocol }] };
}

function inst(service: string, name: string, address: string, labels: Record<string, string>, zone = "zone-a", extra: Partial<WorkloadInstance> = {}): WorkloadInstance {
  return { service: fqdn(service), name, address, ports: {}, labels, locality: { region: "region-1", zone, subZone: "" }, healthy: true, ...extra };
}

export function bookinfoServices(): Service[] {
  return [svc("productpage"), svc("details"), svc("reviews"), svc("ratings"), svc("greeter", 50051, "GRPC")];
}

export function bookinfoInstances(): WorkloadInstance[] {
  return [
    inst("productpage", "productpage-v1-0", "10.0.0.1", { app: "productpage", version: "v1" }),
    inst("details", "details-v1-0", "10.0.0.2", { app: "details", version: "v1" }, "zone-a", { ports: { 9080: 9081 } }),
    inst("reviews", "reviews-v1-0", "10.0.1.1", { app: "reviews", version: "v1" }),
    inst("reviews", "reviews-v2-0", "10.0.1.2", { app: "reviews", version: "v2" }, "zone-b", { weight: 3 }),
    inst("reviews", "reviews-v3-0", "10.0.1.3", { app: "reviews", version: "v3" }, "zone-b", { healthy: false }),
    inst("ratings", "ratings-v1-0", "10.0.2.1", { app: "ratings", version: "v1" }),
    inst("greeter", "greeter-0", "10.0.3.1", { app: "greeter" }),
  ];
}

const meta = (name: string) => ({ name, namespace: NS });

export function reviewsDestinationRule(): DestinationRule {
  return {
    kind: "DestinationRule",
    metadata: meta("reviews"),
    spec: {
      host: "reviews",
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 100, connectTimeout: "250ms" }, http: { http1MaxPendingRequests: 10, http2MaxRequests: 1000, maxRetries: 3, idleTimeout: "30s", maxRequestsPerConnection: 5 } },
        outlierDetection: { consecutive5xxErrors: 7, consecutiveGatewayErrors: 3, interval: "5s", baseEjectionTime: "1m", maxEjectionPercent: 50 },
      },
      subsets: [
        { name: "v1", labels: { version: "v1" } },
        { name: "v2", labels: { version: "v2" }, trafficPolicy: { loadBalancer: { simple: "RANDOM" } } },
        { name: "v3", labels: { version: "v3" }, trafficPolicy: { loadBalancer: { simple: "LEAST_REQUEST" }, connectionPool: { tcp: { maxConnections: 1 } } } },
      ],
    },
  };
}

export function bookinfoRules(): { virtualServices: VirtualService[]; destinationRules: DestinationRule[] } {
  return {
    destinationRules: [
      reviewsDestinationRule(),
      { kind: "DestinationRule", metadata: meta("ratings"), spec: { host: "ratings", trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: "x-user", ringHash: { minimumRingSize: 2048 } } } }, subsets: [{ name: "v1", labels: { version: "v1" } }] } },
      { kind: "DestinationRule", metadata: meta("details"), spec: { host: "details.default", trafficPolicy: { loadBalancer: { consistentHash: { maglev: { tableSize: 65537 }, useSourceIp: true } } } } },
    ],
    virtualServices: [
      {
        kind: "VirtualService",
        metadata: meta("reviews"),
        spec: {
          hosts: ["reviews"],
          http: [
            { name: "jason", match: [{ headers: { "end-user": { exact: "jason" } } }], route: [{ destination: { host: "reviews", subset: "v2" } }] },
            { route: [{ destination: { host: "reviews", subset: "v1" }, weight: 50 }, { destination: { host: "reviews", subset: "v3" }, weight: 50 }] },
          ],
        },
      },
      {
        kind: "VirtualService",
        metadata: meta("ratings"),
        spec: { hosts: ["ratings"], http: [{ fault: { abort: { httpStatus: 503, percentage: { value: 0.1 } }, delay: { fixedDelay: "7s", percentage: { value: 10 } } }, route: [{ destination: { host: "ratings", subset: "v1" } }] }] },
      },
      {
        kind: "VirtualService",
        metadata: meta("bookinfo"),
        spec: {
          hosts: ["*"],
          gateways: ["bookinfo-gateway"],
          http: [
            {
              match: [{ uri: { exact: "/productpage" } }, { uri: { prefix: "/static" } }, { uri: { exact: "/login" } }, { uri: { prefix: "/api/v1/products" } }],
              route: [{ destination: { host: "productpage", port: { number: 9080 } } }],
            },
          ],
        },
      },
    ],
  };
}

export function bookinfoContext(over: Partial<{ virtualServices: VirtualService[]; destinationRules: DestinationRule[]; policies: PolicyRule[]; version: number }> = {}): PushContext {
  const rules = bookinfoRules();
  return buildPushContext({
    version: over.version ?? 1,
    registry: { version: 1, services: bookinfoServices(), instances: bookinfoInstances() },
    virtualServices: over.virtualServices ?? rules.virtualServices,
    destinationRules: over.destinationRules ?? rules.destinationRules,
    policies: over.policies ?? [],
  });
}

function node(id: string, metadata: Record<string, unknown>): ProxyNode {
  return { id, cluster: "", metadata, locality: { region: "", zone: "", subZone: "" }, userAgent: "test" };
}

export function sidecarNode(extra: Record<string, unknown> = {}): ProxyNode {
  return node("sidecar~10.0.0.1~productpage-v1-0.default~default.svc.cluster.local", { NAMESPACE: NS, SERVICE: HOSTS.productpage, INBOUND_PORT: "15006", OUTBOUND_PORT: "15001", APP_PORT: "9080", ...extra });
}

export function gatewayNode(extra: Record<string, unknown> = {}): ProxyNode {
  return node("router~10.0.9.9~ingressgateway.istio-system~istio-system.svc.cluster.local", { NAMESPACE: "istio-system", GATEWAY_PORT: "8080", ...extra });
}

export function proxylessNode(extra: Record<string, unknown> = {}): ProxyNode {
  return node("grpc-client-1", { GENERATOR: "grpc", NAMESPACE: NS, ...extra });
}

/** Generates and unpacks one type's resources. */
export function gen<D extends DescMessage>(g: XdsGenerator, n: ProxyNode, type: XdsType, schema: D, names: readonly string[] = []): MessageShape<D>[] {
  return unpackAll(g.generate(n, type, names), schema);
}

export function unpackAll<D extends DescMessage>(out: Generated, schema: D): MessageShape<D>[] {
  return out.resources.map((r) => {
    const m = anyUnpack(r.resource, schema);
    if (!m) throw new Error(`${r.name} is not a ${schema.typeName}`);
    return m;
  });
}

export function byName<T extends { name: string }>(list: T[], name: string): T {
  const x = list.find((i) => i.name === name);
  if (!x) throw new Error(`no ${name} in [${list.map((i) => i.name).join(", ")}]`);
  return x;
}
