// Client-side zod schema of a VirtualService (the fields the form edits), checked as the user types:
// required fields, ranges, durations, and route weights that sum to 100. Paths match the server's.

import { RE2JS } from "@bufbuild/re2";
import { z } from "zod";
import { duration, fail, HEADER_NAME, int, namespaceName, percent, problemsOf, ruleHost, ruleName, serviceHost, subsetName, whenArray, whenObject } from "./schema-kit";
import type { FieldProblem } from "./field-errors";

export const RETRY_ON = [
  "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes",
  "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
] as const;

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"] as const;

const stringMatch = z
  .looseObject({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() })
  .superRefine((v, ctx) => {
    const set = (["exact", "prefix", "regex"] as const).filter((k) => v[k] !== undefined);
    if (set.length !== 1) return fail(ctx, "set exactly one of exact, prefix or regex");
    const key = set[0]!;
    const value = v[key] as string;
    if (key === "prefix" && value === "") fail(ctx, "must not be empty", ["prefix"]);
    if (key === "regex") {
      if (value === "") fail(ctx, "must not be empty", ["regex"]);
      else {
        try {
          RE2JS.compile(value); // the engine's regex syntax (RE2), as the server checks it
        } catch (e) {
          fail(ctx, `invalid regex: ${(e as Error).message}`, ["regex"]);
        }
      }
    }
  }, whenObject);

const headers = z.record(z.string(), stringMatch).superRefine((v, ctx) => {
  for (const name of Object.keys(v)) {
    if (name === "") fail(ctx, "header name must not be empty", [name]);
    else if (!HEADER_NAME.test(name)) fail(ctx, `invalid header name ${JSON.stringify(name)}; use letters, digits, "-" and "_"`, [name]);
  }
});

const matchRequest = z.looseObject({ uri: stringMatch.optional(), method: stringMatch.optional(), headers: headers.optional() });

const destination = z.looseObject({
  destination: z.looseObject({
    host: serviceHost,
    subset: subsetName.optional(),
    port: z.looseObject({ number: int(1, 65535, "must be a port number from 1 to 65535") }).optional(),
  }),
  weight: int(0, 100, "must be an integer from 0 to 100").optional(),
});

const routes = z.array(destination).superRefine((list, ctx) => {
  if (list.length === 0) return fail(ctx, "at least one destination is required");
  if (list.length < 2) return;
  const weights = list.map((d) => (d && typeof d === "object" ? (d as { weight?: unknown }).weight : undefined));
  if (!weights.every((w) => w === undefined || (typeof w === "number" && Number.isInteger(w) && w >= 0 && w <= 100))) return;
  const sum = weights.reduce<number>((a, w) => a + ((w as number | undefined) ?? 0), 0);
  if (sum !== 100) fail(ctx, `weights must sum to 100; they sum to ${sum}`);
}, whenArray);

const retryOn = z.string().superRefine((s, ctx) => {
  for (const policy of s.split(",")) {
    if ((RETRY_ON as readonly string[]).includes(policy) || /^[1-5][0-9][0-9]$/.test(policy)) continue;
    fail(ctx, `${JSON.stringify(policy)} is not a retryOn policy${policy.trim() !== policy ? " (remove the spaces)" : ""}; use e.g. 5xx, gateway-error, connect-failure or a status code`);
  }
});

const retries = z
  .looseObject({ attempts: int(0), perTryTimeout: duration().optional(), retryOn: retryOn.optional() })
  .superRefine((v, ctx) => {
    if (v.attempts === 0 && (v.perTryTimeout !== undefined || v.retryOn !== undefined)) fail(ctx, "retries are disabled when attempts is 0", ["attempts"]);
  }, whenObject);

const fault = z
  .looseObject({
    delay: z.looseObject({ fixedDelay: duration(), percentage: percent.optional() }).optional(),
    abort: z.looseObject({ httpStatus: int(200, 599, "must be an HTTP status from 200 to 599"), percentage: percent.optional() }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.delay === undefined && v.abort === undefined) fail(ctx, "set delay, abort or both");
  }, whenObject);

const rewrite = z.looseObject({ uri: z.string().optional(), authority: z.string().optional() }).superRefine((v, ctx) => {
  if (v.uri === "") fail(ctx, "must not be empty", ["uri"]);
}, whenObject);

const httpRoute = z
  .looseObject({ name: z.string().optional(), match: z.array(matchRequest).optional(), route: routes.optional(), rewrite: rewrite.optional(), timeout: duration().optional(), retries: retries.optional(), fault: fault.optional() })
  .superRefine((v, ctx) => {
    const actions = (["route", "redirect", "directResponse"] as const).filter((k) => v[k] !== undefined);
    if (actions.length === 0) fail(ctx, "add at least one destination", ["route"]);
    else if (actions.length > 1) fail(ctx, `set only one of route, redirect or directResponse (found ${actions.join(" and ")})`);
  }, whenObject);

export const virtualServiceSchema = z.looseObject({
  kind: z.literal("VirtualService"),
  metadata: z.looseObject({ name: ruleName, namespace: namespaceName.optional() }),
  spec: z.looseObject({
    hosts: z.array(ruleHost).superRefine((l, ctx) => {
      if (l.length === 0) fail(ctx, "at least one host is required");
    }, whenArray),
    gateways: z.array(z.string()).optional(),
    http: z.array(httpRoute).optional(),
  }),
});

export function virtualServiceProblems(doc: unknown): FieldProblem[] {
  return problemsOf(virtualServiceSchema, doc);
}
