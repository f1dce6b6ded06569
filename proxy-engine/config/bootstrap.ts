// Static engine config in the shape of Envoy's bootstrap `static_resources` (snake_case JSON).
// This is the subset the engine understands today; later the same shapes arrive as Envoy v3 protos over xDS.

export interface SocketAddress {
  address: string;
  port_value: number;
}

export interface RouteMatch {
  prefix?: string;
  path?: string;
}

export interface RouteAction {
  cluster: string;
}

export interface Route {
  name?: string;
  match: RouteMatch;
  route: RouteAction;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  routes: Route[];
}

export interface RouteConfiguration {
  name: string;
  virtual_hosts: VirtualHost[];
}

export interface HttpConnectionManager {
  stat_prefix: string;
  route_config: RouteConfiguration;
}

export interface Listener {
  name: string;
  address: { socket_address: SocketAddress };
  http_connection_manager: HttpConnectionManager;
}

export interface LbEndpoint {
  endpoint: { address: { socket_address: SocketAddress } };
}

export interface Cluster {
  name: string;
  type?: "STATIC";
  lb_policy?: "ROUND_ROBIN";
  /** Envoy's connect_timeout, as a duration string such as "1s" or "250ms". */
  connect_timeout?: string;
  load_assignment: {
    cluster_name: string;
    endpoints: { lb_endpoints: LbEndpoint[] }[];
  };
}

export interface StaticResources {
  listeners: Listener[];
  clusters: Cluster[];
}

export interface Bootstrap {
  node?: { id?: string; cluster?: string };
  static_resources: StaticResources;
}
