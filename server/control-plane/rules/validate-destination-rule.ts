// Validates a DestinationRule spec (networking.istio.io/v1) into the typed DestinationRuleSpec: host, traffic
// policy, and subsets (unique DNS-label names, non-empty labels). Whether the host is a registry service is
// checked later (rule-references.ts).

import { z } from "zod";
import { serviceHost, subsetName } from "./common-schemas";
import type { DestinationRuleSpec } from "./istio-types";
import { normalizeSpec } from "./normalize-spec";
import { runSchema, type SpecResult } from "./run-schema";
import { trafficPolicySchema } from "./traffic-policy-schema";
import { fail, Kit, type Mode, whenArray } from "./zod-kit";

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function destinationRuleSchema(mode: Mode) {
  const k = new Kit(mode);
  const trafficPolicy = trafficPolicySchema(k);
  const labels = z.record(z.string(), z.string()).superRefine((v, ctx) => {
    const keys = Object.keys(v);
    if (keys.length === 0) fail(ctx, "at least one label is required (a subset selects workloads by label)");
    for (const key of keys) {
      if (!LABEL_KEY.test(key)) fail(ctx, `invalid label key ${JSON.stringify(key)}`, [key]);
      else if (typeof v[key] === "string" && !LABEL_VALUE.test(v[key])) fail(ctx, `invalid label value ${JSON.stringify(v[key])}`, [key]);
    }
  });
  const subset = k.message("Subset", { name: subsetName, labels, trafficPolicy: trafficPolicy.optional() });
  const subsets = z.array(subset).superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((s, i) => {
      const name = s && typeof s === "object" ? s.name : undefined;
      if (typeof name !== "string") return;
      const first = seen.get(name);
      if (first === undefined) seen.set(name, i);
      else fail(ctx, `duplicate subset name "${name}" (also subsets[${first}])`, [i, "name"]);
    });
  }, whenArray);
  return k.message("DestinationRule", { host: serviceHost, trafficPolicy: trafficPolicy.optional(), subsets: subsets.optional() });
}

const SCHEMAS = { report: destinationRuleSchema("report"), accept: destinationRuleSchema("accept") };

/** Validates one DestinationRule spec. */
export function validateDestinationRule(spec: unknown): SpecResult<DestinationRuleSpec> {
  const normalized = normalizeSpec("DestinationRule", spec);
  if (normalized.errors.length) return { errors: normalized.errors, warnings: normalized.warnings };
  const result = runSchema<DestinationRuleSpec>(SCHEMAS, normalized.value);
  result.warnings.unshift(...normalized.warnings);
  return result;
}
