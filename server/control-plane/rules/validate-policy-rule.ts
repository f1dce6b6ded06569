// Validates CheckRule and Quota specs (policy.meshdash.io/v1, Mixer's Check and memquota) into typed specs:
// a workload selector, CEL expressions compiled by the engine's own compiler (errors give line:column inside
// the expression), an action, and a quota's amount and window.

import { z } from "zod";
import { checkExpression } from "../../../proxy-engine";
import { duration } from "./common-schemas";
import type { CheckRuleSpec, QuotaSpec } from "./istio-types";
import { normalizeSpec } from "./normalize-spec";
import { runSchema, type SpecResult } from "./run-schema";
import { fail, int, Kit, type Mode, nonEmptyString } from "./zod-kit";

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DIMENSION = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Buckets are keyed by dimension values; more dimensions than this is a mistake, not a policy. */
const MAX_DIMENSIONS = 8;

/** A CEL expression the engine will accept. */
const celExpression = z.string().superRefine((src, ctx) => {
  if (src.trim() === "") return fail(ctx, "must not be empty (leave the field out to match every request)");
  const r = checkExpression(src);
  if (!r.ok) fail(ctx, `invalid CEL at ${r.line}:${r.column}: ${r.message}`);
});

function schemas(mode: Mode) {
  const k = new Kit(mode);
  const selector = k.message("WorkloadSelector", {
    matchLabels: z.record(z.string(), z.string()).superRefine((labels, ctx) => {
      if (Object.keys(labels).length === 0) fail(ctx, "at least one label is required (leave selector out to select every workload)");
      for (const key of Object.keys(labels)) if (!LABEL_KEY.test(key)) fail(ctx, `invalid label key ${JSON.stringify(key)}`, [key]);
    }),
  });
  const checkRule = k.message("CheckRule", {
    selector: selector.optional(),
    action: z.enum(["DENY", "ALLOW"], { error: (iss) => (iss.input === undefined ? "required; DENY or ALLOW" : `must be DENY or ALLOW, got ${JSON.stringify(iss.input)}`) }),
    match: celExpression.optional(),
    reason: nonEmptyString().optional(),
  });
  const quota = k.message("Quota", {
    selector: selector.optional(),
    match: celExpression.optional(),
    dimensions: z.record(z.string(), celExpression).superRefine((dims, ctx) => {
      const names = Object.keys(dims);
      if (names.length > MAX_DIMENSIONS) fail(ctx, `at most ${MAX_DIMENSIONS} dimensions`);
      for (const name of names) if (!DIMENSION.test(name)) fail(ctx, `invalid dimension name ${JSON.stringify(name)}; use letters, digits and "_"`, [name]);
    }).optional(),
    maxAmount: int(1, 1_000_000_000),
    validDuration: duration(1),
  });
  return { checkRule, quota };
}

const REPORT = schemas("report");
const ACCEPT = schemas("accept");

export function validateCheckRule(spec: unknown): SpecResult<CheckRuleSpec> {
  const normalized = normalizeSpec("CheckRule", spec);
  if (normalized.errors.length) return { errors: normalized.errors, warnings: normalized.warnings };
  return runSchema<CheckRuleSpec>({ report: REPORT.checkRule, accept: ACCEPT.checkRule }, normalized.value);
}

export function validateQuota(spec: unknown): SpecResult<QuotaSpec> {
  const normalized = normalizeSpec("Quota", spec);
  if (normalized.errors.length) return { errors: normalized.errors, warnings: normalized.warnings };
  return runSchema<QuotaSpec>({ report: REPORT.quota, accept: ACCEPT.quota }, normalized.value);
}
