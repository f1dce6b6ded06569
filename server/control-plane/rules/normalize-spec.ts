// Prepares a raw spec for schema validation: drops null fields (Kubernetes treats `field: null` as absent),
// refuses prototype keys and absurd nesting, and rewrites Istio's deprecated aliases to their current form
// (fault.delay.percent, loadBalancer.simple LEAST_CONN, consistentHash.minimumRingSize) with a warning.

import { appendSegment, type FieldError } from "./field-error";
import type { RuleKind } from "./raw-rule-doc";
import { isRecord } from "./zod-kit";

export const MAX_DEPTH = 64;

export interface Normalized {
  value: unknown;
  errors: FieldError[];
  warnings: FieldError[];
}

export function normalizeSpec(kind: RuleKind, spec: unknown): Normalized {
  const out: Normalized = { value: undefined, errors: [], warnings: [] };
  out.value = clean(spec, "spec", 0, out.errors);
  if (out.errors.length || !isRecord(out.value)) return out;
  if (kind === "VirtualService") fixVirtualService(out.value, out);
  else if (kind === "DestinationRule") fixDestinationRule(out.value, out);
  return out;
}

function clean(v: unknown, path: string, depth: number, errors: FieldError[]): unknown {
  if (depth > MAX_DEPTH) {
    errors.push({ path, message: `nested more than ${MAX_DEPTH} levels deep` });
    return undefined;
  }
  if (Array.isArray(v)) return v.map((item, i) => clean(item, appendSegment(path, i), depth + 1, errors));
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    if (key === "__proto__") {
      errors.push({ path: appendSegment(path, key), message: "unknown field" });
      continue;
    }
    const value = v[key];
    if (value === null || value === undefined) continue;
    out[key] = clean(value, appendSegment(path, key), depth + 1, errors);
  }
  return out;
}

function fixVirtualService(spec: Record<string, unknown>, out: Normalized): void {
  if (!Array.isArray(spec.http)) return;
  spec.http.forEach((route: unknown, index) => {
    const fault = isRecord(route) ? route.fault : undefined;
    if (!isRecord(fault) || !isRecord(fault.delay) || fault.delay.percent === undefined) return;
    const delay = fault.delay;
    const path = `spec.http[${index}].fault.delay.percent`;
    if (delay.percentage !== undefined) {
      out.errors.push({ path, message: "set only percentage (percent is its deprecated integer form)" });
    } else if (typeof delay.percent !== "number") {
      out.errors.push({ path, message: "expected a number" });
    } else {
      out.warnings.push({ path, message: `deprecated; treated as percentage: {value: ${delay.percent}}` });
      delay.percentage = { value: delay.percent };
      delete delay.percent;
    }
  });
}

function fixDestinationRule(spec: Record<string, unknown>, out: Normalized): void {
  fixTrafficPolicy(spec.trafficPolicy, "spec.trafficPolicy", out);
  if (Array.isArray(spec.subsets)) {
    spec.subsets.forEach((s: unknown, i) => {
      if (isRecord(s)) fixTrafficPolicy(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, out);
    });
  }
}

function fixTrafficPolicy(policy: unknown, path: string, out: Normalized): void {
  if (!isRecord(policy) || !isRecord(policy.loadBalancer)) return;
  const lb = policy.loadBalancer;
  if (lb.simple === "LEAST_CONN") {
    out.warnings.push({ path: `${path}.loadBalancer.simple`, message: "LEAST_CONN is deprecated; treated as LEAST_REQUEST" });
    lb.simple = "LEAST_REQUEST";
  }
  const hash = lb.consistentHash;
  if (!isRecord(hash) || hash.minimumRingSize === undefined) return;
  const hpath = `${path}.loadBalancer.consistentHash.minimumRingSize`;
  if (hash.ringHash !== undefined || hash.maglev !== undefined) {
    out.errors.push({ path: hpath, message: "set only one of minimumRingSize (deprecated) or ringHash/maglev" });
  } else {
    out.warnings.push({ path: hpath, message: "deprecated; treated as ringHash.minimumRingSize" });
    hash.ringHash = { minimumRingSize: hash.minimumRingSize };
    delete hash.minimumRingSize;
  }
}
