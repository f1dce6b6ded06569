// A dry run's answer to "what would this change do to the proxies?": generates every xDS type for each
// connected proxy under the running and the candidate push context, and lists the resources that differ.

import { equals, toJsonString } from "@bufbuild/protobuf";
import { AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { typeRegistry } from "../../../proxy-engine/config/type-registry";
import { XDS_SHORT, XDS_TYPES, type ProxyNode, type XdsGenerator } from "../../xds/xds-types";
import type { ChangeKindName } from "./rule-records";

export interface ResourceChange {
  proxy: string;
  /** LDS, RDS, CDS or EDS. */
  type: string;
  name: string;
  change: ChangeKindName;
  beforeJson: string;
  afterJson: string;
}

/** Caps the answer so a change touching thousands of resources stays a readable response. */
const MAX_CHANGES = 500;

export function diffGenerated(nodes: readonly ProxyNode[], before: XdsGenerator, after: XdsGenerator): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const node of nodes) {
    for (const type of XDS_TYPES) {
      const a = safeGenerate(before, node, type);
      const b = safeGenerate(after, node, type);
      for (const name of new Set([...a.keys(), ...b.keys()])) {
        const x = a.get(name);
        const y = b.get(name);
        if (x && y && equals(AnySchema, x, y)) continue;
        out.push({ proxy: node.id, type: XDS_SHORT[type], name, change: !x ? "ADDED" : !y ? "REMOVED" : "MODIFIED", beforeJson: json(x), afterJson: json(y) });
        if (out.length >= MAX_CHANGES) return out;
      }
    }
  }
  return out;
}

function safeGenerate(g: XdsGenerator, node: ProxyNode, type: (typeof XDS_TYPES)[number]): Map<string, Any> {
  try {
    return new Map(g.generate(node, type, []).resources.map((r) => [r.name, r.resource]));
  } catch {
    return new Map();
  }
}

function json(a: Any | undefined): string {
  if (!a) return "";
  try {
    return toJsonString(AnySchema, a, { registry: typeRegistry, prettySpaces: 2 });
  } catch {
    return `(${a.typeUrl}, ${a.value.length} bytes)`;
  }
}
