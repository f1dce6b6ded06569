// A process-wide cache of decoded xDS resources keyed by message type and bytes (SHA-256 when large).
// Every engine in a process (the runtime's sidecars and gateway, or a benchmark's hundred clients)
// receives the same clusters, load assignments and routes; each distinct resource is decoded once and
// the message object shared. Decoding is deterministic, so results (and errors, which are never cached)
// are exactly those of fromBinary. Shared messages are treated as immutable: the engine only reads its
// config messages. Entries are weak: one disappears once no client holds its message any more.

import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { createHash } from "node:crypto";

type Entries = Map<string, WeakRef<object>>;

const byType = new Map<string, Entries>();
const cleanup = new FinalizationRegistry<{ entries: Entries; key: string }>(({ entries, key }) => {
  // The key may have been taken by a newer message since; only drop a dead entry.
  if (entries.get(key)?.deref() === undefined) entries.delete(key);
});

/** Above this, a resource is keyed by its SHA-256 (hashing beats copying a mesh-wide RouteConfiguration). */
const HASH_ABOVE_BYTES = 4096;

/** A Map key for the bytes: the bytes themselves (one byte per char), or length and SHA-256 when large. */
function keyOf(bytes: Uint8Array): string {
  if (bytes.byteLength > HASH_ABOVE_BYTES) return `#${bytes.byteLength}#${createHash("sha256").update(bytes).digest("base64")}`;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** fromBinary(schema, bytes), shared with every earlier decode of the same bytes that is still alive. */
export function decodeShared<D extends DescMessage>(schema: D, bytes: Uint8Array): MessageShape<D> {
  let entries = byType.get(schema.typeName);
  if (!entries) byType.set(schema.typeName, (entries = new Map()));
  const key = keyOf(bytes);
  const hit = entries.get(key)?.deref();
  if (hit) return hit as MessageShape<D>;
  const msg = fromBinary(schema, bytes);
  entries.set(key, new WeakRef(msg));
  cleanup.register(msg, { entries, key });
  return msg;
}

/** Live entries (for tests). */
export function decodeCacheSize(): number {
  let n = 0;
  for (const e of byType.values()) n += e.size;
  return n;
}
