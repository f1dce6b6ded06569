// Whole responses shared by the engines of one process: the clients of a mesh receive byte-identical
// resource lists (a full CDS or EDS, a mesh-wide RDS), so a list identical to one decoded before, held by
// some client, gets the same validated name→message map back without looking at each resource. Decoding
// a DiscoveryResponse leaves its resources' bytes as one contiguous span of the message buffer; a list
// matches when that span (plus the first type URL and the count) is byte-for-byte equal to the stored
// copy. The maps are never modified once built (the client replaces maps, it does not edit them).

import type { Any } from "@bufbuild/protobuf/wkt";
import { isStoredRun } from "./response-intern";

interface Entry {
  typeUrl: string;
  count: number;
  firstLength: number;
  span: Uint8Array;
  result: WeakRef<object>;
}

const entries = new Map<string, Entry>();
/** Results by list object: lists are never modified, and shared runs hand the same list to every client. */
const byList = new WeakMap<readonly Any[], { kind: string; result: WeakRef<object> }>();
/**
 * The latest results per kind are also held strongly: RDS and EDS clients merge a response into their
 * accepted maps, so nothing else would keep it alive while the other clients receive the same response.
 */
const RECENT_PER_KIND = 2;
const recent = new Map<string, object[]>();
const cleanup = new FinalizationRegistry<string>((key) => {
  if (entries.get(key)?.result.deref() === undefined) entries.delete(key);
});

/** The bytes from the first resource's value to the last one's, when they are one increasing span. */
function spanOf(anys: readonly Any[]): Uint8Array | undefined {
  const first = anys[0]!.value;
  const buffer = first.buffer;
  let end = first.byteOffset + first.byteLength;
  for (let i = 1; i < anys.length; i++) {
    const v = anys[i]!.value;
    if (v.buffer !== buffer || v.byteOffset < end) return undefined;
    end = v.byteOffset + v.byteLength;
  }
  return new Uint8Array(buffer, first.byteOffset, end - first.byteOffset);
}

/** A cheap key (kind, count, sizes and a few sampled bytes); equality is then checked on all bytes. */
function keyOf(kind: string, anys: readonly Any[], span: Uint8Array): string {
  const n = span.byteLength;
  const sample: number[] = [];
  for (let i = 0; i < 16; i++) sample.push(span[Math.floor((i * (n - 1)) / 15)]!);
  return `${kind}|${anys.length}|${anys[0]!.value.byteLength}|${n}|${sample.join(",")}`;
}

function matches(e: Entry, anys: readonly Any[], span: Uint8Array): boolean {
  if (e.count !== anys.length || e.typeUrl !== anys[0]!.typeUrl || e.firstLength !== anys[0]!.value.byteLength) return false;
  // The same memory (a shared stored run, see response-intern.ts) needs no comparison.
  if (e.span.buffer === span.buffer && e.span.byteOffset === span.byteOffset && e.span.byteLength === span.byteLength) return true;
  return Buffer.compare(e.span, span) === 0;
}

/**
 * `decode(anys)`'s successful result, shared with an earlier identical list when one is still held.
 * Failures are never cached (they are recomputed, with the same outcome).
 */
export function sharedResponse<R extends object>(kind: string, anys: readonly Any[], decode: () => { ok: true; resources: R } | { ok: false; message: string }) {
  // A list object seen before (a shared run's resources, see response-intern.ts) is answered at once.
  const known = byList.get(anys);
  const same = known?.kind === kind ? (known.result.deref() as R | undefined) : undefined;
  if (same) return { ok: true as const, resources: same };
  // Small lists too: a shared map lets every later step (merging, filtering) be shared as well.
  const span = anys.length > 0 ? spanOf(anys) : undefined;
  if (!span) return decode();
  const key = keyOf(kind, anys, span);
  const e = entries.get(key);
  const hit = e && matches(e, anys, span) ? (e.result.deref() as R | undefined) : undefined;
  if (hit) {
    byList.set(anys, { kind, result: e!.result });
    return { ok: true as const, resources: hit };
  }
  const out = decode();
  if (out.ok) {
    byList.set(anys, { kind, result: new WeakRef(out.resources) });
    entries.set(key, { typeUrl: anys[0]!.typeUrl, count: anys.length, firstLength: anys[0]!.value.byteLength, span: isStoredRun(span) ? span : new Uint8Array(span), result: new WeakRef(out.resources) });
    cleanup.register(out.resources, key);
    const held = recent.get(kind) ?? [];
    recent.set(kind, [out.resources, ...held].slice(0, RECENT_PER_KIND));
  }
  return out;
}
