// GET /config_dump in Envoy's shape (ListenersConfigDump, RoutesConfigDump, ClustersConfigDump,
// EndpointsConfigDump), with `resource=` and `name_regex=` filters and secret header values redacted.

import { toJson, type DescMessage, type JsonObject, type JsonValue, type Message } from "@bufbuild/protobuf";
import { ClusterSchema } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { ListenerSchema } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema } from "../../proto/gen/envoy/config/route/v3/route_pb";
import type { CompiledConfig } from "../config/compile";
import { typeRegistry, typeUrl } from "../config/type-registry";
import { isSecretHeader, REDACTED } from "../tap/redact";

const DUMP = "type.googleapis.com/envoy.admin.v3.";

function json<T extends Message>(schema: DescMessage, m: T): JsonObject {
  return redact(toJson(schema, m, { registry: typeRegistry })) as JsonObject;
}

/**
 * Redacts secret header values: the value of any {key, value} header pair whose key is a secret header,
 * and every string beside the `name` of a header matcher on one (a route matching `authorization:
 * Bearer …` holds the token in its string_match).
 */
export function redact(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === "object") {
    const matcher = typeof v.name === "string" && isSecretHeader(v.name);
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) out[k] = matcher && k !== "name" ? redactStrings(val as JsonValue) : redact(val as JsonValue);
    if (typeof out.key === "string" && "value" in out && isSecretHeader(out.key)) out.value = REDACTED;
    return out;
  }
  return v;
}

function redactStrings(v: JsonValue): JsonValue {
  if (typeof v === "string") return REDACTED;
  if (Array.isArray(v)) return v.map(redactStrings);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, redactStrings(val as JsonValue)]));
  return v;
}

export interface ConfigDumpQuery {
  /** dynamic_listeners, static_clusters, ... as Envoy's `resource=`; undefined for all. */
  resource?: string;
  nameRegex?: { test(name: string): boolean };
}

export function configDump(c: CompiledConfig, dynamic: boolean, q: ConfigDumpQuery): JsonObject {
  const lastUpdated = new Date(c.appliedAt).toISOString();
  const keep = (name: string) => !q.nameRegex || q.nameRegex.test(name);
  const entry = (field: string, schema: DescMessage, m: Message & { name?: string }): JsonObject => {
    const resource: JsonObject = { "@type": typeUrl(schema), ...json(schema, m) };
    return dynamic ? { name: m.name ?? "", active_state: { version_info: c.version, [field]: resource, last_updated: lastUpdated } } : { [field]: resource, last_updated: lastUpdated };
  };
  const kind = dynamic ? "dynamic" : "static";
  const sections: Record<string, { type: string; key: string; items: JsonObject[] }> = {
    [`${kind}_listeners`]: { type: "ListenersConfigDump", key: `${dynamic ? "dynamic_listeners" : "static_listeners"}`, items: c.resources.listeners.filter((l) => keep(l.name)).map((l) => entry("listener", ListenerSchema, l)) },
    [dynamic ? "dynamic_route_configs" : "static_route_configs"]: {
      type: "RoutesConfigDump",
      key: dynamic ? "dynamic_route_configs" : "static_route_configs",
      items: c.resources.routeConfigs.filter((r) => keep(r.name)).map((r) => ({ version_info: c.version, route_config: { "@type": typeUrl(RouteConfigurationSchema), ...json(RouteConfigurationSchema, r) }, last_updated: lastUpdated })),
    },
    [dynamic ? "dynamic_active_clusters" : "static_clusters"]: {
      type: "ClustersConfigDump",
      key: dynamic ? "dynamic_active_clusters" : "static_clusters",
      items: c.resources.clusters
        .filter((cl) => keep(cl.name))
        .map((cl): JsonObject => ({ ...(dynamic ? { version_info: c.version } : {}), cluster: { "@type": typeUrl(ClusterSchema), ...json(ClusterSchema, cl) }, last_updated: lastUpdated })),
    },
    dynamic_endpoint_configs: {
      type: "EndpointsConfigDump",
      key: "dynamic_endpoint_configs",
      items: c.resources.loadAssignments.filter((e) => keep(e.clusterName)).map((e) => ({ version_info: c.version, endpoint_config: { "@type": typeUrl(ClusterLoadAssignmentSchema), ...json(ClusterLoadAssignmentSchema, e) }, last_updated: lastUpdated })),
    },
  };
  const configs: JsonObject[] = [];
  const byType = new Map<string, JsonObject>();
  for (const [resource, s] of Object.entries(sections)) {
    if (q.resource && q.resource !== resource) continue;
    let dump = byType.get(s.type);
    if (!dump) {
      dump = { "@type": `${DUMP}${s.type}`, ...(dynamic ? { version_info: c.version } : {}) };
      byType.set(s.type, dump);
      configs.push(dump);
    }
    dump[s.key] = s.items;
  }
  return { configs };
}
