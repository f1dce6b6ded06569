// Byte-level views of generated resources, computed at most once per resource object: whether two
// generations are byte-identical (so a push can skip a type, or send only the changed RDS/EDS
// resources), the content hash delta streams use as a resource version, and DiscoveryResponse bodies
// spliced from pre-serialized Anys so that a response shared by many proxies is encoded only once.

import type { UnknownField } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { createHash } from "node:crypto";
import type { GeneratedResource } from "./xds-types";

const hashes = new WeakMap<GeneratedResource, string>();

/** A content hash of the serialized Any (type URL and bytes); cached per resource object. */
export function resourceHash(r: GeneratedResource): string {
  let h = hashes.get(r);
  if (h === undefined) {
    h = createHash("sha256").update(r.resource.typeUrl).update(r.resource.value).digest("base64url").slice(0, 22);
    hashes.set(r, h);
  }
  return h;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.byteLength === b.byteLength && Buffer.compare(a, b) === 0);
}

/** Same name, type and bytes. Identical objects (the generator reuses unchanged ones) compare for free. */
export function sameResource(a: GeneratedResource, b: GeneratedResource | undefined): boolean {
  if (a === b) return true;
  return b !== undefined && a.name === b.name && a.resource.typeUrl === b.resource.typeUrl && bytesEqual(a.resource.value, b.resource.value);
}

/** The same resources in the same order with the same bytes. */
export function sameResources(next: readonly GeneratedResource[], prev: readonly GeneratedResource[]): boolean {
  if (next === prev) return true;
  if (next.length !== prev.length) return false;
  for (let i = 0; i < next.length; i++) if (!sameResource(next[i]!, prev[i])) return false;
  return true;
}

/** The resources of `next` that are new or differ from `prev` by name (in `next`'s order). */
export function changedResources(next: readonly GeneratedResource[], prev: readonly GeneratedResource[]): GeneratedResource[] {
  const out: GeneratedResource[] = [];
  let byName: Map<string, GeneratedResource> | undefined;
  for (let i = 0; i < next.length; i++) {
    const r = next[i]!;
    // Generation order is stable, so the same index usually holds the same name; else look it up.
    let old = prev[i];
    if (old?.name !== r.name) old = (byName ??= new Map(prev.map((p) => [p.name, p]))).get(r.name);
    if (!sameResource(r, old)) out.push(r);
  }
  return out;
}

/** Field 2 (`resources`, length-delimited) of DiscoveryResponse: tag byte 0x12. */
const RESOURCES_TAG = (2 << 3) | WireType.LengthDelimited;
const entries = new WeakMap<GeneratedResource, Uint8Array>();

/** `resources` entry of one resource as it appears on the wire: tag, length, serialized Any. */
function entryOf(r: GeneratedResource): Uint8Array {
  let e = entries.get(r);
  if (!e) {
    // The Any is type_url (field 1) then value (field 2), each left out when empty, as toBinary writes
    // it; the value is copied once.
    const { typeUrl, value } = r.resource;
    const w = new BinaryWriter();
    if (typeUrl !== "") w.tag(1, WireType.LengthDelimited).string(typeUrl);
    if (value.byteLength > 0) w.tag(2, WireType.LengthDelimited).uint32(value.byteLength);
    const head = w.finish();
    const anyLength = head.byteLength + value.byteLength;
    const prefix = new BinaryWriter().tag(2, WireType.LengthDelimited).uint32(anyLength).finish();
    const joined = Buffer.concat([prefix, head, value]);
    e = new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
    entries.set(r, e);
  }
  return e;
}

/** The last body built per type URL: proxies of one push mostly get the same resources. */
const lastBodies = new Map<string, { list: readonly GeneratedResource[]; data: Uint8Array }>();

function sameObjects(a: readonly GeneratedResource[], b: readonly GeneratedResource[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The repeated `resources` field as one unknown-field entry (protobuf-es writes unknown fields verbatim
 * after the known ones; field order on the wire does not matter). Its data omits the first tag byte,
 * which the writer adds. Undefined for no resources.
 */
export function resourcesAsUnknownField(typeUrl: string, list: readonly GeneratedResource[]): UnknownField | undefined {
  if (list.length === 0) return undefined;
  const last = lastBodies.get(typeUrl);
  let data: Uint8Array;
  if (last && sameObjects(last.list, list)) data = last.data;
  else {
    // One resource (a mesh-wide RDS): its entry as it is; several: joined once.
    const body = list.length === 1 ? entryOf(list[0]!) : Buffer.concat(list.map(entryOf));
    if (body[0] !== RESOURCES_TAG) throw new Error("unexpected resources tag");
    data = body.subarray(1);
    lastBodies.set(typeUrl, { list: [...list], data });
  }
  return { no: 2, wireType: WireType.LengthDelimited, data };
}
