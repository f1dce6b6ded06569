// The sidecars' "outbound" RouteConfiguration, packed, built from bytes: each virtual host is serialized
// on its own, and a default one (a service port no VirtualService routes) is reused across pushes while
// its inputs (name, domains, the DestinationRule's consistent hash) are unchanged, so a mesh of a thousand
// services re-serializes only the virtual hosts a change touched. Fields are written in field-number
// order, so the bytes are exactly toBinary of the whole message.

import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { RouteConfigurationSchema } from "../../../proto/gen/envoy/config/route/v3/route_pb";
import { VirtualHostSchema } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import type { GeneratedResource } from "../../xds/xds-types";
import type { PushContext } from "./push-context";
import { OUTBOUND_ROUTE, OUTBOUND_ROUTE_FIELDS, outboundVhostInputs, outboundVirtualHost, type OutboundVhostInput } from "./route-configs";
import { policyFor } from "./traffic-policy";

/** RouteConfiguration.virtual_hosts is field 2; name is field 1, every other field comes after 2. */
const VIRTUAL_HOSTS_FIELD = 2;
const HEAD = toBinary(RouteConfigurationSchema, create(RouteConfigurationSchema, { name: OUTBOUND_ROUTE_FIELDS.name }));
const TAIL = toBinary(RouteConfigurationSchema, create(RouteConfigurationSchema, { validateClusters: OUTBOUND_ROUTE_FIELDS.validateClusters }));
const TYPE_URL = `type.googleapis.com/${RouteConfigurationSchema.typeName}`;

/** Key parts per domain list (the lists are cached per service, so they repeat across pushes). */
const domainKeys = new WeakMap<readonly string[], string>();

/** Everything a default virtual host depends on (defaultRoute reads only the DR's consistent hash). */
function defaultVhostKey(ctx: PushContext, v: OutboundVhostInput): string {
  const dr = ctx.index.drByHost.get(v.svc.hostname);
  const hash = dr ? JSON.stringify(policyFor(dr, "")?.loadBalancer?.consistentHash ?? null) : "";
  let domains = domainKeys.get(v.domains);
  if (domains === undefined) domainKeys.set(v.domains, (domains = JSON.stringify(v.domains)));
  return `${v.svc.hostname}:${v.port}\n${domains}\n${hash}`;
}

function vhostEntry(ctx: PushContext, v: OutboundVhostInput): Uint8Array {
  const bytes = toBinary(VirtualHostSchema, outboundVirtualHost(ctx, v));
  return new BinaryWriter().tag(VIRTUAL_HOSTS_FIELD, WireType.LengthDelimited).bytes(bytes).finish();
}

export interface OutboundRoutes {
  /** The packed "outbound" RouteConfiguration for proxies in `namespace`. */
  build(ctx: PushContext, namespace: string): GeneratedResource;
}

export function createOutboundRoutes(): OutboundRoutes {
  /** Per proxy namespace: default virtual host entries by key, and the last resource built. */
  const byNamespace = new Map<string, { entries: Map<string, Uint8Array>; last?: GeneratedResource }>();

  return {
    build(ctx, namespace) {
      const prev = byNamespace.get(namespace);
      const entries = new Map<string, Uint8Array>();
      const parts: Uint8Array[] = [HEAD];
      for (const v of outboundVhostInputs(ctx, namespace)) {
        if (v.vsList.length) {
          parts.push(vhostEntry(ctx, v));
          continue;
        }
        const key = defaultVhostKey(ctx, v);
        const e = prev?.entries.get(key) ?? entries.get(key) ?? vhostEntry(ctx, v);
        entries.set(key, e);
        parts.push(e);
      }
      parts.push(TAIL);
      const joined = Buffer.concat(parts);
      const value = new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
      // Unchanged bytes keep the previous object, which the ADS server then recognizes for free.
      const last = prev?.last && Buffer.compare(prev.last.resource.value, value) === 0 ? prev.last : { name: OUTBOUND_ROUTE, resource: create(AnySchema, { typeUrl: TYPE_URL, value }) };
      byNamespace.set(namespace, { entries, last });
      return last;
    },
  };
}
