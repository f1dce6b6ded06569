// Decodes a DiscoveryResponse's resources (google.protobuf.Any, optionally wrapped in
// envoy.service.discovery.v3.Resource) into typed messages keyed by name. Any resource of the wrong type,
// undecodable bytes, a missing name or a duplicate name rejects the whole response (the client NACKs it).
// Identical bytes decode once per process (decode-cache.ts), identical lists are matched whole.

import { anyIs, anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { ClusterSchema, type Cluster } from "../../proto/gen/envoy/config/cluster/v3/cluster_pb";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../../proto/gen/envoy/config/endpoint/v3/endpoint_pb";
import { ListenerSchema, type Listener } from "../../proto/gen/envoy/config/listener/v3/listener_pb";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../proto/gen/envoy/config/route/v3/route_pb";
import { ResourceSchema } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { decodeShared } from "./decode-cache";
import { sharedResponse } from "./response-cache";
import { TYPE_URLS, type XdsKind } from "./xds-kinds";

export interface ResourceOf {
  lds: Listener;
  rds: RouteConfiguration;
  cds: Cluster;
  eds: ClusterLoadAssignment;
}

export type ResourceMaps = { [K in XdsKind]: ReadonlyMap<string, ResourceOf[K]> };

const SCHEMAS: { [K in XdsKind]: DescMessage } = {
  lds: ListenerSchema,
  rds: RouteConfigurationSchema,
  cds: ClusterSchema,
  eds: ClusterLoadAssignmentSchema,
};

const nameOf = (kind: XdsKind, m: ResourceOf[XdsKind]): string => (kind === "eds" ? (m as ClusterLoadAssignment).clusterName : (m as Listener).name);

export type DecodeResult<K extends XdsKind> = { ok: true; resources: Map<string, ResourceOf[K]> } | { ok: false; message: string };

/**
 * Response order is kept (it becomes the order of listeners and clusters handed to the engine). A list
 * byte-identical to one decoded earlier in this process gets the same map back (response-cache.ts); the
 * map must not be modified.
 */
export function decodeResources<K extends XdsKind>(kind: K, anys: readonly Any[]): DecodeResult<K> {
  return sharedResponse(kind, anys, () => decodeEach(kind, anys));
}

function decodeEach<K extends XdsKind>(kind: K, anys: readonly Any[]): DecodeResult<K> {
  const schema = SCHEMAS[kind];
  const out = new Map<string, ResourceOf[K]>();
  for (const [i, original] of anys.entries()) {
    const at = `resources[${i}]`;
    let any = original;
    try {
      if (anyIs(any, ResourceSchema)) {
        const wrapped = anyUnpack(any, ResourceSchema);
        if (!wrapped?.resource) return { ok: false, message: `${at}: envoy.service.discovery.v3.Resource "${wrapped?.name ?? ""}" has no resource` };
        any = wrapped.resource;
      }
      if (!anyIs(any, schema)) return { ok: false, message: `${at}: expected ${TYPE_URLS[kind]}, got "${any.typeUrl}"` };
      // What anyUnpack does once the type matched, through the shared cache.
      const msg = decodeShared(schema, any.value) as MessageShape<DescMessage> as ResourceOf[K];
      const name = nameOf(kind, msg);
      if (!name) return { ok: false, message: `${at}: ${schema.typeName} has no ${kind === "eds" ? "cluster_name" : "name"}` };
      if (out.has(name)) return { ok: false, message: `${at}: duplicate ${schema.typeName} "${name}"` };
      out.set(name, msg);
    } catch (e) {
      return { ok: false, message: `${at}: cannot decode ${any.typeUrl}: ${(e as Error).message}` };
    }
  }
  return { ok: true, resources: out };
}
