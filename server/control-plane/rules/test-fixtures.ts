// Test support for the rule loader and validator: a fake registry with Bookinfo's services and real Istio
// Bookinfo-style YAML (subsets, weighted routes, fault injection, retries, gateway binding).

import type { Service, ServiceLookup } from "../registry/registry-types";

export function fakeLookup(services: Service[] = bookinfoServices()): ServiceLookup {
  const byHost = new Map(services.map((s) => [s.hostname, s]));
  return { service: (h) => byHost.get(h), services: () => services };
}

export function bookinfoServices(): Service[] {
  return ["reviews", "ratings", "details", "productpage"].map((name) => ({
    name,
    namespace: "default",
    hostname: `${name}.default.svc.cluster.local`,
    ports: [{ name: "http", port: 9080, protocol: "HTTP" as const }],
  }));
}

export const BOOKINFO_DESTINATION_RULES = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: productpage
spec:
  host: productpage
  subsets:
  - name: v1
    labels:
      version: v1
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpHeaderName: x-user
    connectionPool:
      tcp:
        maxConnections: 100
        connectTimeout: 30ms
      http:
        http1MaxPendingRequests: 10
        maxRequestsPerConnection: 1
    outlierDetection:
      consecutive5xxErrors: 7
      interval: 5m
      baseEjectionTime: 15m
      maxEjectionPercent: 50
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
  - name: v3
    labels:
      version: v3
    trafficPolicy:
      loadBalancer:
        simple: ROUND_ROBIN
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
spec:
  host: ratings
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: details
spec:
  host: details
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
`;

export const BOOKINFO_VIRTUAL_SERVICES = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: reviews
        subset: v2
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 50
    - destination:
        host: reviews
        subset: v3
      weight: 50
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream
    timeout: 10s
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    fault:
      delay:
        percentage:
          value: 100.0
        fixedDelay: 7s
      abort:
        percentage:
          value: 10
        httpStatus: 500
    route:
    - destination:
        host: ratings
        subset: v1
  - route:
    - destination:
        host: ratings
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: details
spec:
  hosts:
  - details
  http:
  - match:
    - uri:
        prefix: /details/v2
    rewrite:
      uri: /details
    headers:
      request:
        set:
          x-api-version: "2"
        add:
          x-via: meshdash
        remove:
        - x-debug
      response:
        remove:
        - server
    route:
    - destination:
        host: details
        subset: v2
        port:
          number: 9080
      headers:
        response:
          set:
            x-served-by: details-v2
  - route:
    - destination:
        host: details
        subset: v1
    timeout: 0.5s
`;

export const BOOKINFO_GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 8080
      name: http
      protocol: HTTP
    hosts:
    - "*"
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts:
  - "*"
  gateways:
  - bookinfo-gateway
  http:
  - match:
    - uri:
        exact: /productpage
    - uri:
        prefix: /static
    - uri:
        regex: /api/v1/products/[0-9]+
    route:
    - destination:
        host: productpage
        port:
          number: 9080
`;
