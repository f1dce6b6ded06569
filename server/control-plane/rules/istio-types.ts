// The Istio `networking.istio.io/v1` VirtualService and DestinationRule fields we support, and meshdash's
// `policy.meshdash.io/v1` CheckRule and Quota (Mixer's model), as TypeScript types.
// The validator (validate-*.ts) turns user YAML into these; the generator reads only these.

export const ISTIO_API_VERSIONS = ["networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"] as const;
/** The API group of CheckRule and Quota. */
export const POLICY_API_VERSION = "policy.meshdash.io/v1";

/** Exactly one of exact, prefix or regex (RE2 syntax in Istio; checked by our safe-regex rules). */
export type StringMatch = { exact: string } | { prefix: string } | { regex: string };

export interface HttpMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  withoutHeaders?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number: number };
}

export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}

export interface Headers {
  request?: HeaderOperations;
  response?: HeaderOperations;
}

export interface HttpRouteDestination {
  destination: Destination;
  /** Percent; when several destinations are listed the weights must sum to 100. */
  weight?: number;
  headers?: Headers;
}

/** Durations are Istio strings such as "1.5s", "250ms", "1m". */
export type Duration = string;

export interface HttpRetry {
  attempts: number;
  perTryTimeout?: Duration;
  /** Comma-separated Envoy retry_on values, e.g. "5xx,gateway-error,connect-failure" (or status codes). */
  retryOn?: string;
}

export interface Percent {
  value: number;
}

export interface HttpFaultInjection {
  delay?: { fixedDelay: Duration; percentage?: Percent };
  abort?: { httpStatus: number; percentage?: Percent };
}

export interface HttpRewrite {
  uri?: string;
  authority?: string;
  uriRegexRewrite?: { match: string; rewrite: string };
}

export interface HttpRedirect {
  uri?: string;
  authority?: string;
  redirectCode?: number;
}

export interface HttpDirectResponse {
  status: number;
  body?: { string: string };
}

export interface HttpRoute {
  name?: string;
  match?: HttpMatchRequest[];
  route?: HttpRouteDestination[];
  redirect?: HttpRedirect;
  directResponse?: HttpDirectResponse;
  rewrite?: HttpRewrite;
  timeout?: Duration;
  retries?: HttpRetry;
  fault?: HttpFaultInjection;
  headers?: Headers;
}

export interface VirtualServiceSpec {
  hosts: string[];
  /** Absent or containing "mesh": applies to sidecars. Any other name binds the rule to the ingress gateway. */
  gateways?: string[];
  http?: HttpRoute[];
}

export type SimpleLb = "UNSPECIFIED" | "RANDOM" | "PASSTHROUGH" | "ROUND_ROBIN" | "LEAST_REQUEST";

export interface ConsistentHashLb {
  httpHeaderName?: string;
  httpCookie?: { name: string; path?: string; ttl?: Duration };
  useSourceIp?: boolean;
  httpQueryParameterName?: string;
  ringHash?: { minimumRingSize?: number };
  maglev?: { tableSize?: number };
}

export interface LoadBalancerSettings {
  simple?: SimpleLb;
  consistentHash?: ConsistentHashLb;
}

export interface ConnectionPoolSettings {
  tcp?: { maxConnections?: number; connectTimeout?: Duration };
  http?: {
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
    idleTimeout?: Duration;
  };
}

export interface OutlierDetection {
  consecutive5xxErrors?: number;
  consecutiveGatewayErrors?: number;
  interval?: Duration;
  baseEjectionTime?: Duration;
  maxEjectionPercent?: number;
  minHealthPercent?: number;
}

export interface TrafficPolicy {
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetection;
}

export interface Subset {
  name: string;
  labels: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
}

export interface Metadata {
  name: string;
  namespace: string;
}

export interface VirtualService {
  kind: "VirtualService";
  metadata: Metadata;
  spec: VirtualServiceSpec;
}

export interface DestinationRule {
  kind: "DestinationRule";
  metadata: Metadata;
  spec: DestinationRuleSpec;
}

/** Which workloads a policy applies to, as Istio's WorkloadSelector; absent means every workload of the namespace. */
export interface WorkloadSelector {
  matchLabels: Record<string, string>;
}

/** Mixer's Check, in the proxy: allow or deny requests by a CEL expression over Istio's attributes. */
export interface CheckRuleSpec {
  selector?: WorkloadSelector;
  action: "DENY" | "ALLOW";
  /** CEL bool; absent matches every request. */
  match?: string;
  reason?: string;
}

/** Mixer's memquota, in the proxy: maxAmount requests per validDuration per distinct dimension values. */
export interface QuotaSpec {
  selector?: WorkloadSelector;
  /** CEL bool selecting the requests counted; absent counts every request. */
  match?: string;
  /** Bucket key: CEL expressions by dimension name. */
  dimensions?: Record<string, string>;
  maxAmount: number;
  validDuration: Duration;
}

export interface CheckRule {
  kind: "CheckRule";
  metadata: Metadata;
  spec: CheckRuleSpec;
}

export interface Quota {
  kind: "Quota";
  metadata: Metadata;
  spec: QuotaSpec;
}

export type PolicyRule = CheckRule | Quota;

/** Every kind of rule the config store holds: Istio's routing rules and meshdash's policy rules. */
export type RoutingRule = VirtualService | DestinationRule | PolicyRule;
