// Client-side zod schemas of CheckRule and Quota (policy.meshdash.io/v1): structure, selector labels,
// action, amount and window, dimension names. CEL is compiled only by the server's dry run, which reports
// its errors at the same paths (spec.match, spec.dimensions.<name>).

import { z } from "zod";
import type { FieldProblem } from "./field-errors";
import { duration, fail, int, namespaceName, problemsOf, ruleName } from "./schema-kit";

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DIMENSION = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MAX_DIMENSIONS = 8;

const expression = z.string().superRefine((s, ctx) => {
  if (s.trim() === "") fail(ctx, "must not be empty (leave the field out to match every request)");
});

const selector = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).superRefine((labels, ctx) => {
    const keys = Object.keys(labels);
    if (keys.length === 0) fail(ctx, "at least one label is required (leave selector out to select every workload)");
    for (const key of keys) {
      if (!LABEL_KEY.test(key)) fail(ctx, key === "" ? "label key must not be empty" : `invalid label key ${JSON.stringify(key)}`, [key]);
      else if (!LABEL_VALUE.test(labels[key]!)) fail(ctx, `invalid label value ${JSON.stringify(labels[key])}`, [key]);
    }
  }),
});

const metadata = z.looseObject({ name: ruleName, namespace: namespaceName.optional() });

export const checkRuleSchema = z.looseObject({
  kind: z.literal("CheckRule"),
  metadata,
  spec: z.looseObject({
    selector: selector.optional(),
    action: z.string({ error: (iss) => (iss.input === undefined ? "required; DENY or ALLOW" : undefined) }).superRefine((s, ctx) => {
      if (s !== "DENY" && s !== "ALLOW") fail(ctx, s === "" ? "required; DENY or ALLOW" : `must be DENY or ALLOW, got ${JSON.stringify(s)}`);
    }),
    match: expression.optional(),
    reason: z
      .string()
      .superRefine((s, ctx) => {
        if (s.trim() === "") fail(ctx, "must not be empty");
      })
      .optional(),
  }),
});

export const quotaSchema = z.looseObject({
  kind: z.literal("Quota"),
  metadata,
  spec: z.looseObject({
    selector: selector.optional(),
    match: expression.optional(),
    dimensions: z
      .record(z.string(), expression)
      .superRefine((dims, ctx) => {
        const names = Object.keys(dims);
        if (names.length > MAX_DIMENSIONS) fail(ctx, `at most ${MAX_DIMENSIONS} dimensions`);
        for (const name of names) if (!DIMENSION.test(name)) fail(ctx, name === "" ? "dimension name must not be empty" : `invalid dimension name ${JSON.stringify(name)}; use letters, digits and "_"`, [name]);
      })
      .optional(),
    maxAmount: int(1, 1_000_000_000),
    validDuration: duration(1),
  }),
});

export const checkRuleProblems = (doc: unknown): FieldProblem[] => problemsOf(checkRuleSchema, doc);
export const quotaProblems = (doc: unknown): FieldProblem[] => problemsOf(quotaSchema, doc);
