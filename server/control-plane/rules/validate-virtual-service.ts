// Validates a VirtualService spec (networking.istio.io/v1) into the typed VirtualServiceSpec: field types and
// ranges, Istio's cross-field rules, unsupported fields (warnings) and unknown fields (errors). References to
// services and subsets are checked later against the registry and the other rules (rule-references.ts).

import { z } from "zod";
import { isDnsLabel, ruleHost } from "./common-schemas";
import type { FieldError } from "./field-error";
import { httpRouteSchema } from "./http-route-schema";
import type { VirtualServiceSpec } from "./istio-types";
import { normalizeSpec } from "./normalize-spec";
import { resolveHost } from "./resolve-host";
import { runSchema, type SpecResult } from "./run-schema";
import { fail, Kit, type Mode, whenObject } from "./zod-kit";

export const MESH_GATEWAY = "mesh";

function gatewayNameProblem(name: string): string | undefined {
  const parts = name.split("/");
  const ok = parts.length === 1 ? /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) : parts.length === 2 && parts.every(isDnsLabel);
  return ok ? undefined : `invalid gateway name ${JSON.stringify(name)}; use "mesh", "<name>" or "<namespace>/<name>"`;
}

/** True when the rule applies to sidecars (no gateways, or "mesh" listed). */
export function appliesToMesh(spec: { gateways?: readonly string[] }): boolean {
  return !spec.gateways || spec.gateways.length === 0 || spec.gateways.includes(MESH_GATEWAY);
}

/** True when the rule binds to at least one ingress gateway (a gateway name other than "mesh"). */
export function appliesToGateway(spec: { gateways?: readonly string[] }): boolean {
  return (spec.gateways ?? []).some((g) => g !== MESH_GATEWAY);
}

function virtualServiceSchema(mode: Mode) {
  const k = new Kit(mode);
  const gateway = z.string().superRefine((s, ctx) => {
    const problem = gatewayNameProblem(s);
    if (problem) fail(ctx, problem);
  });
  return k
    .message("VirtualService", {
      hosts: z.array(ruleHost),
      gateways: z.array(gateway).optional(),
      http: z.array(httpRouteSchema(k)).optional(),
    })
    .superRefine((v, ctx) => {
      const hosts = Array.isArray(v.hosts) ? v.hosts : undefined;
      if (hosts && hosts.length === 0) fail(ctx, "at least one host is required", ["hosts"]);
      const gateways = Array.isArray(v.gateways) ? v.gateways.filter((g) => typeof g === "string") : undefined;
      if (hosts && appliesToMesh({ gateways })) {
        hosts.forEach((h, i) => {
          if (h === "*") fail(ctx, 'the wildcard host "*" is not allowed for rules bound to the mesh; bind the rule to a gateway or name the services', ["hosts", i]);
        });
      }
      if (v.http === undefined || (Array.isArray(v.http) && v.http.length === 0)) return fail(ctx, "at least one http route is required (meshdash routes HTTP only)", ["http"]);
      if (!Array.isArray(v.http)) return;
      const catchAll = v.http.findIndex((r) => r && typeof r === "object" && (!Array.isArray(r.match) || r.match.length === 0));
      for (let i = catchAll + 1; catchAll >= 0 && i < v.http.length; i++) {
        k.warn(ctx, `unreachable: http[${catchAll}] has no match conditions and takes every request first`, ["http", i]);
      }
    }, whenObject);
}

const SCHEMAS = { report: virtualServiceSchema("report"), accept: virtualServiceSchema("accept") };

/** Validates one VirtualService spec; `namespace` resolves short host names for the duplicate-host check. */
export function validateVirtualService(spec: unknown, opts: { namespace: string }): SpecResult<VirtualServiceSpec> {
  const normalized = normalizeSpec("VirtualService", spec);
  if (normalized.errors.length) return { errors: normalized.errors, warnings: normalized.warnings };
  const result = runSchema<VirtualServiceSpec>(SCHEMAS, normalized.value);
  result.warnings.unshift(...normalized.warnings);
  if (result.value) result.errors.push(...duplicateHosts(result.value, opts.namespace));
  return result.errors.length ? { errors: result.errors, warnings: result.warnings } : result;
}

function duplicateHosts(spec: VirtualServiceSpec, namespace: string): FieldError[] {
  const seen = new Map<string, number>();
  const errors: FieldError[] = [];
  spec.hosts.forEach((h, i) => {
    const resolved = resolveHost(h, namespace).toLowerCase();
    const first = seen.get(resolved);
    if (first === undefined) seen.set(resolved, i);
    else errors.push({ path: `spec.hosts[${i}]`, message: `duplicate host: spec.hosts[${first}] already names ${resolved}` });
  });
  return errors;
}
