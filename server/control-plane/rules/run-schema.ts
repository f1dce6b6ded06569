// Runs a spec schema in two passes: "report" collects every error and warning (unsupported fields are
// warnings, not failures); when there are no errors, "accept" produces the typed value, from which the
// ignored fields the first pass pointed at are deleted.

import type { z } from "zod";
import { type FieldError, formatPath } from "./field-error";
import { errorMap, isRecord, type Mode } from "./zod-kit";

export interface SpecResult<T> {
  /** Set only when there are no errors. */
  value?: T;
  errors: FieldError[];
  warnings: FieldError[];
}

type Segment = string | number;

export function runSchema<T>(schemas: Record<Mode, z.ZodType>, input: unknown, root = "spec"): SpecResult<T> {
  const first = schemas.report.safeParse(input, { error: errorMap });
  if (first.success) return { value: first.data as T, errors: [], warnings: [] };
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];
  const strip: Segment[][] = [];
  for (const issue of first.error.issues) {
    const path = issue.path.filter((s): s is Segment => typeof s !== "symbol");
    const entry = { path: formatPath([root, ...path]), message: issue.message };
    const params = issue.code === "custom" ? (issue.params as { severity?: string; strip?: boolean } | undefined) : undefined;
    if (params?.severity === "warning") {
      warnings.push(entry);
      if (params.strip) strip.push(path);
    } else {
      errors.push(entry);
    }
  }
  if (errors.length) return { errors, warnings };
  const second = schemas.accept.safeParse(input, { error: errorMap });
  if (!second.success) {
    // Cannot happen unless the two modes disagree; report rather than hide it.
    const issues = second.error.issues.map((i) => ({ path: formatPath([root, ...i.path.filter((s): s is Segment => typeof s !== "symbol")]), message: i.message }));
    return { errors: issues, warnings };
  }
  for (const path of strip) deleteAt(second.data, path);
  return { value: second.data as T, errors, warnings };
}

/** Deletes the ignored field at `path`, then any mapping that deleting it left empty (so `trafficPolicy: {tls: …}`
 * does not become `trafficPolicy: {}`, which would not validate again). */
function deleteAt(value: unknown, path: readonly Segment[]): void {
  const chain: unknown[] = [value];
  for (const seg of path.slice(0, -1)) {
    const node = chain[chain.length - 1];
    if (Array.isArray(node) && typeof seg === "number") chain.push(node[seg]);
    else if (isRecord(node) && typeof seg === "string") chain.push(node[seg]);
    else return;
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const node = chain[i];
    const key = path[i];
    if (!isRecord(node) || typeof key !== "string") return;
    delete node[key];
    if (i === 0 || Object.keys(node).length > 0 || !isRecord(chain[i - 1])) return;
  }
}
