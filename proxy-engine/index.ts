// Public surface of the proxy engine library. server/ imports from here only.

export { createProxy, type Proxy, type ProxyOptions, type ProxyRole, type BoundListener } from "./proxy";
export type { Bootstrap, Cluster, Listener, Route, VirtualHost } from "./config/bootstrap";
export { ConfigError, type ConfigIssue } from "./config/config-error";
export { compileTapMatch, TapMatchError } from "./tap/match";
export { createTap, type Tap } from "./tap/tap";
