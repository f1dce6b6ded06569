// Zod building blocks for the client-side rule schemas: never-aborting integer/number/duration/host checks
// (so every problem shows at once, as the server reports them) and zod issues → field problems.

import { z } from "zod";
import type { FieldProblem } from "./field-errors";
import { formatPath } from "./field-paths";

type Ctx = z.core.$RefinementCtx<unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** Run a refinement even when fields inside the value had issues. */
export const whenObject = { when: (p: { value: unknown }) => isRecord(p.value) };
export const whenArray = { when: (p: { value: unknown }) => Array.isArray(p.value) };

export function fail(ctx: Ctx, message: string, path: (string | number)[] = []): void {
  ctx.addIssue({ code: "custom", message, path });
}

export function int(min: number, max = 2_147_483_647, message?: string) {
  const msg = message ?? (max < 2_147_483_647 ? `must be an integer from ${min} to ${max}` : min === 0 ? "must be a non-negative integer" : min === 1 ? "must be a positive integer" : `must be an integer >= ${min}`);
  return z.number().superRefine((n, ctx) => {
    if (!Number.isInteger(n) || n < min || n > max) fail(ctx, msg);
  });
}

export function num(min: number, max: number, message = `must be a number from ${min} to ${max}`) {
  return z.number().superRefine((n, ctx) => {
    if (!(n >= min && n <= max)) fail(ctx, message);
  });
}

const DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go-style duration ("1.5s", "250ms", "1m30s"), or undefined when it is not one. */
export function durationMs(s: string): number | undefined {
  if (s === "0") return 0;
  if (!DURATION.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(DURATION_PART)) ms += Number(`${m[1] || "0"}.${m[2] || "0"}`) * UNIT_MS[m[3]!]!;
  return ms;
}

export function duration(minMs = 1) {
  return z.string().superRefine((s, ctx) => {
    const ms = durationMs(s);
    if (ms === undefined) fail(ctx, `invalid duration ${JSON.stringify(s)}; use a number with a unit, e.g. "1s", "1.5s", "250ms", "1m"`);
    else if (ms < minMs) fail(ctx, minMs === 1 ? "must be at least 1ms" : `must be at least ${minMs}ms`);
  });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOST = /^(\*|(\*\.)?[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?)*)$/;
export const HEADER_NAME = /^[-_A-Za-z0-9]+$/;

export const ruleName = z.string().superRefine((s, ctx) => {
  if (s === "") fail(ctx, "required");
  else if (s.length > 253 || !DNS_SUBDOMAIN.test(s)) fail(ctx, 'use lowercase letters, digits, "-" and "." (a DNS subdomain)');
});

export const namespaceName = z.string().superRefine((s, ctx) => {
  if (s.length > 63 || !DNS_LABEL.test(s)) fail(ctx, 'use lowercase letters, digits and "-" (a DNS label)');
});

export const subsetName = z.string().superRefine((s, ctx) => {
  if (s === "") fail(ctx, "required");
  else if (s.length > 63 || !DNS_LABEL.test(s)) fail(ctx, 'use lowercase letters, digits and "-" (a DNS label)');
});

/** A host a rule applies to: a service name, a FQDN, or a wildcard. */
export const ruleHost = z.string().superRefine((s, ctx) => {
  if (s === "") fail(ctx, "required");
  else if (s.length > 255 || !HOST.test(s)) fail(ctx, 'use a service name such as "reviews", a FQDN, or a wildcard such as "*.example.com"');
});

/** A host naming one service (destinations, DestinationRule host). */
export const serviceHost = ruleHost.superRefine((s, ctx) => {
  if (s.startsWith("*")) fail(ctx, "must name one service; wildcards are not supported here");
});

export const percent = z.looseObject({ value: num(0, 100, "must be a percentage from 0 to 100") });

const NOUNS: Record<string, string> = { string: "text", number: "a number", boolean: "true or false", object: "a mapping", record: "a mapping", array: "a list" };

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "object" ? "a mapping" : String(v);
}

/** Plain wording for zod's built-in issues. */
function errorMap(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === "invalid_type") return iss.input === undefined || iss.input === "" ? "required" : `expected ${NOUNS[iss.expected] ?? iss.expected}, got ${describe(iss.input)}`;
  if (iss.code === "invalid_value") return `must be one of ${iss.values.map(String).join(", ")}`;
  return undefined;
}

/** Runs `schema` over a rule document and returns its problems with server-style paths. */
export function problemsOf(schema: z.ZodType, doc: unknown): FieldProblem[] {
  const r = schema.safeParse(doc, { error: errorMap });
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: formatPath(i.path.map((p) => (typeof p === "symbol" ? String(p) : p))), message: i.message, source: "client" as const, severity: "error" as const }));
}
