// Zod building blocks shared by the VirtualService and DestinationRule schemas: Istio messages that report
// unknown and unsupported fields, integer and number ranges, exactly-one-of groups, and the error map that
// words zod's issues for people. Checks never abort, so every problem in a document is reported at once.

import { z } from "zod";
import { likelyTypo } from "./close-names";
import { NARROWING_NOT_SUPPORTED, NOT_SUPPORTED, REJECTED_FIELDS, UNSUPPORTED_FIELDS } from "./unsupported-fields";

/** "report": unsupported fields become warning issues. "accept": they pass through (the second, data pass). */
export type Mode = "report" | "accept";

export type IstioMessage = keyof typeof UNSUPPORTED_FIELDS;

type Ctx = z.core.$RefinementCtx<unknown>;
type Path = (string | number)[];

export const INT32_MAX = 2_147_483_647;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Run a refinement even when fields inside the value had issues, as long as the value is a mapping. */
export const whenObject = { when: (p: { value: unknown }) => isRecord(p.value) };
export const whenArray = { when: (p: { value: unknown }) => Array.isArray(p.value) };

export function fail(ctx: Ctx, message: string, path: Path = []): void {
  ctx.addIssue({ code: "custom", message, path });
}

export class Kit {
  constructor(readonly mode: Mode) {}

  /** A warning (report mode only). `strip` marks an ignored field the data pass must delete. */
  warn(ctx: Ctx, message: string, path: Path = [], strip = false): void {
    if (this.mode === "report") ctx.addIssue({ code: "custom", message, path, params: { severity: "warning", strip } });
  }

  /** An Istio message: `shape` holds the fields meshdash models; other fields are warned about or rejected. */
  message<S extends z.ZodRawShape>(type: IstioMessage, shape: S) {
    const unsupported: readonly string[] = UNSUPPORTED_FIELDS[type];
    const rejected: readonly string[] = (REJECTED_FIELDS as Partial<Record<IstioMessage, readonly string[]>>)[type] ?? [];
    const known = Object.keys(shape);
    return z.looseObject(shape).superRefine((value, ctx) => {
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(shape, key)) continue;
        if (unsupported.includes(key)) this.warn(ctx, NOT_SUPPORTED, [key], true);
        else if (rejected.includes(key)) fail(ctx, NARROWING_NOT_SUPPORTED, [key]);
        else fail(ctx, unknownField(key, [...known, ...unsupported, ...rejected]), [key]);
      }
    }, whenObject);
  }
}

export function unknownField(key: string, candidates: readonly string[]): string {
  const guess = likelyTypo(key, candidates);
  return guess ? `unknown field; did you mean "${guess}"?` : "unknown field";
}

export function rangeMessage(min: number, max: number): string {
  if (max < INT32_MAX) return `must be an integer from ${min} to ${max}`;
  return min === 0 ? "must be a non-negative integer" : min === 1 ? "must be a positive integer" : `must be an integer >= ${min}`;
}

/** An integer in [min, max]. (zod's own .int() aborts parent checks, so it is not used.) */
export function int(min: number, max = INT32_MAX, message = rangeMessage(min, max)) {
  return z.number().superRefine((n, ctx) => {
    if (!Number.isInteger(n) || n < min || n > max) fail(ctx, message);
  });
}

/** A finite number in [min, max]. */
export function num(min: number, max: number, message = `must be a number from ${min} to ${max}`) {
  return z.number().superRefine((n, ctx) => {
    if (!(n >= min && n <= max)) fail(ctx, message);
  });
}

export function nonEmptyString(message = "must not be empty") {
  return z.string().superRefine((s, ctx) => {
    if (s === "") fail(ctx, message);
  });
}

/** Exactly one (or, with required false, at most one) of `keys` may be set on the mapping. */
export function oneOf(keys: readonly string[], required = true) {
  return (value: Record<string, unknown>, ctx: Ctx): void => {
    const present = keys.filter((k) => value[k] !== undefined);
    if (present.length > 1 || (required && present.length === 0)) {
      fail(ctx, `set ${required ? "exactly" : "at most"} one of ${orList(keys)} (found ${present.length ? andList(present) : "none"})`);
    }
  };
}

export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

export function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case "number":
    case "boolean":
    case "bigint":
      return String(v);
    case "object":
      return "a mapping";
    default:
      return typeof v;
  }
}

const NOUNS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  array: "a list",
};

/** The parse-level error map: plain wording for zod's built-in issues. */
export function errorMap(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === "invalid_type") {
    if (iss.input === undefined) return "required";
    return `expected ${NOUNS[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
  }
  if (iss.code === "invalid_value") return `must be one of ${iss.values.map(String).join(", ")}; got ${describeValue(iss.input)}`;
  return undefined;
}
