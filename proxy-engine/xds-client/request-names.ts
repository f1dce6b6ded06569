// DiscoveryRequests with a long resource_names list (an EDS subscription or ACK names every cluster)
// get that field spliced in as bytes encoded once per distinct list and shared by every client in the
// process, instead of re-encoding a thousand strings per ACK. protobuf-es writes unknown fields
// verbatim after the known ones; field order on the wire does not matter, the list order is kept.

import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { DiscoveryRequest } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";

/** DiscoveryRequest.resource_names. */
const RESOURCE_NAMES_FIELD = 3;
/** Shorter lists are cheaper to encode than to look up. */
const MIN_NAMES = 64;
const MAX_ENTRIES = 16;
/** Encoded lists by JSON of the list (most recently used last). */
const encoded = new Map<string, Uint8Array>();

function encode(names: readonly string[]): Uint8Array {
  const w = new BinaryWriter();
  for (const n of names) w.tag(RESOURCE_NAMES_FIELD, WireType.LengthDelimited).string(n);
  // The unknown field's data starts after its first tag, which the writer adds back (one byte: 0x1a).
  return w.finish().subarray(1);
}

/** The encoding of a list by identity (a client's list is replaced on change, never modified). */
const byList = new WeakMap<readonly string[], Uint8Array>();

function encodedOf(names: readonly string[]): Uint8Array {
  const known = byList.get(names);
  if (known) return known;
  const key = JSON.stringify(names);
  let data = encoded.get(key);
  if (data) encoded.delete(key);
  else data = encode(names);
  encoded.set(key, data);
  if (encoded.size > MAX_ENTRIES) encoded.delete(encoded.keys().next().value!);
  byList.set(names, data);
  return data;
}

/** The same request, its resource_names pre-encoded when the list is long (lists are never modified once sent). */
export function withEncodedNames(req: DiscoveryRequest): DiscoveryRequest {
  if (req.resourceNames.length < MIN_NAMES) return req;
  const data = encodedOf(req.resourceNames);
  return { ...req, resourceNames: [], $unknown: [...(req.$unknown ?? []), { no: RESOURCE_NAMES_FIELD, wireType: WireType.LengthDelimited, data }] };
}
