// The engine's whole configuration as Envoy v3 resources (what LDS/RDS/CDS/EDS deliver), and how a static
// bootstrap (Envoy's `static_resources`, as JSON or already-parsed YAML) becomes one.

import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { BootstrapSchema, type Bootstrap } from "../../proto/gen/envoy/config/bootstrap/v3/bootstrap_pb";
import type { Cluster } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import type { ClusterLoadAssignment } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import type { Listener } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import type { RouteConfiguration } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { ConfigError } from "./config-error";
import { typeRegistry } from "./type-registry";

export interface ProxyResources {
  listeners: Listener[];
  /** Route configurations referenced by `rds` in a connection manager. */
  routeConfigs: RouteConfiguration[];
  clusters: Cluster[];
  /** Load assignments for EDS clusters. */
  loadAssignments: ClusterLoadAssignment[];
}

export interface ResourcesWithOrigin extends ProxyResources {
  /** Where error paths start: `static_resources.` for a bootstrap, empty for xDS resources. */
  pathPrefix: string;
  /** True for resources from xDS (shown as dynamic_* in /config_dump). */
  dynamic: boolean;
}

export function resourcesFromBootstrap(b: Bootstrap): ResourcesWithOrigin {
  return {
    listeners: b.staticResources?.listeners ?? [],
    routeConfigs: [],
    clusters: b.staticResources?.clusters ?? [],
    loadAssignments: [],
    pathPrefix: "static_resources.",
    dynamic: false,
  };
}

/** Parses an Envoy bootstrap in proto3 JSON form (snake_case or camelCase names, "@type" in typed_config). */
export function bootstrapFromJson(json: unknown): Bootstrap {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new ConfigError([{ path: "", message: "a bootstrap must be an object with static_resources" }]);
  try {
    return fromJson(BootstrapSchema, json as JsonValue, { registry: typeRegistry });
  } catch (e) {
    // protobuf-es names the message and field it could not read, e.g. `cannot decode field envoy...Listener.name`.
    throw new ConfigError([{ path: "", message: (e as Error).message }]);
  }
}
