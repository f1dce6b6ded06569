// Checks and JSON helpers for what callers hand the config store: document keys, specs, and the
// key-order-insensitive spec comparison that decides whether a put changes anything.

import { StoreError, type ConfigKey } from "./config-store";

/** "VirtualService default/reviews", the form error messages use. */
export function keyLabel(key: ConfigKey): string {
  return `${key.kind} ${key.namespace}/${key.name}`;
}

/** Copies just the key fields, throwing StoreError unless each is a non-blank string. */
export function checkKey(key: ConfigKey): ConfigKey {
  for (const field of ["kind", "namespace", "name"] as const) {
    const v: unknown = key?.[field];
    if (typeof v !== "string" || v.trim() === "") throw new StoreError(`config key field "${field}" must be a non-empty string, got ${JSON.stringify(v)}`);
  }
  return { kind: key.kind, namespace: key.namespace, name: key.name };
}

/** The spec as stored (JSON text, the caller's key order kept); StoreError if it is not JSON-serialisable. */
export function specText(key: ConfigKey, spec: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(spec);
  } catch (err) {
    throw new StoreError(`spec of ${keyLabel(key)} is not serialisable as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof text !== "string") throw new StoreError(`spec of ${keyLabel(key)} is not serialisable as JSON (got ${typeof spec})`);
  return text;
}

/** Whether two stored spec texts hold the same JSON value, ignoring object key order. */
export function sameSpec(a: string, b: string): boolean {
  return a === b || canonical(JSON.parse(a)) === canonical(JSON.parse(b));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
