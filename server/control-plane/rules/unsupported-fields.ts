// Istio fields that meshdash knows but does not implement, per Istio message type. A field in these lists
// is a warning ("ignored") when present; a field in no list and not modelled in istio-types.ts is an error
// ("unknown field"), which is how typos such as `rout` are caught.

export const NOT_SUPPORTED = "not supported by meshdash; ignored";

/** Ignoring these would make a match apply to more requests than written, so they are errors instead. */
export const NARROWING_NOT_SUPPORTED = "not supported by meshdash; ignoring it would widen this match, so the rule is rejected";

export const UNSUPPORTED_FIELDS = {
  VirtualService: ["tls", "tcp", "exportTo"],
  HTTPRoute: ["delegate", "mirror", "mirrors", "mirrorPercent", "mirrorPercentage", "corsPolicy"],
  HTTPMatchRequest: ["statPrefix"],
  HTTPRouteDestination: [],
  Destination: [],
  PortSelector: [],
  StringMatch: [],
  Headers: [],
  HeaderOperations: [],
  HTTPRewrite: [],
  RegexRewrite: [],
  HTTPRedirect: ["port", "derivePort", "scheme"],
  HTTPDirectResponse: [],
  HTTPBody: ["bytes"],
  HTTPRetry: ["retryRemoteLocalities", "retryIgnorePreviousHosts", "backoff"],
  HTTPFaultInjection: [],
  Delay: ["exponentialDelay"],
  Abort: ["grpcStatus", "http2Error"],
  Percent: [],
  DestinationRule: ["exportTo", "workloadSelector"],
  CheckRule: [],
  Quota: [],
  WorkloadSelector: [],
  TrafficPolicy: ["tls", "portLevelSettings", "tunnel", "proxyProtocol", "retryBudget"],
  LoadBalancerSettings: ["localityLbSetting", "warmupDurationSecs", "warmup"],
  ConsistentHashLB: [],
  HTTPCookie: ["attributes"],
  RingHash: [],
  MagLev: [],
  ConnectionPoolSettings: [],
  TCPSettings: ["tcpKeepalive", "maxConnectionDuration", "idleTimeout"],
  HTTPSettings: ["h2UpgradePolicy", "useClientProtocol", "maxConcurrentStreams"],
  OutlierDetection: ["splitExternalLocalOriginErrors", "consecutiveLocalOriginFailures", "consecutiveErrors"],
  Subset: [],
} as const satisfies Record<string, readonly string[]>;

/** Istio fields whose absence would widen what a rule matches; rejected with NARROWING_NOT_SUPPORTED. */
export const REJECTED_FIELDS = {
  HTTPMatchRequest: ["port", "sourceLabels", "gateways", "sourceNamespace"],
} as const satisfies Record<string, readonly string[]>;

/** Envoy retry_on values Istio accepts (plus HTTP status codes). */
export const ISTIO_RETRY_ON = [
  "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
  "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
  "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
] as const;

/** The subset of ISTIO_RETRY_ON the meshdash proxy engine implements; others are warned about and dropped. */
export const MESHDASH_RETRY_ON: ReadonlySet<string> = new Set([
  "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
  "retriable-status-codes", "envoy-ratelimited", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
]);

/** Istio kinds meshdash does not load. Gateway is skipped with a warning; the rest are errors. */
export const OTHER_ISTIO_KINDS = [
  "Gateway", "ServiceEntry", "Sidecar", "WorkloadEntry", "WorkloadGroup", "EnvoyFilter", "ProxyConfig",
  "PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication", "Telemetry", "WasmPlugin",
] as const;
