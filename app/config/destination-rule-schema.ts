// Client-side zod schema of a DestinationRule (the fields the form edits): host, load balancer, circuit
// breaker limits, outlier detection and subsets with labels. Paths match the server's.

import { z } from "zod";
import type { FieldProblem } from "./field-errors";
import { duration, fail, HEADER_NAME, int, namespaceName, problemsOf, ruleName, serviceHost, subsetName, whenArray, whenObject } from "./schema-kit";
import { SIMPLE_LB } from "./destination-rule-form";

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const nonEmpty = z.string().superRefine((s, ctx) => {
  if (s === "") fail(ctx, "required");
});

const consistentHash = z
  .looseObject({
    httpHeaderName: z
      .string()
      .superRefine((s, ctx) => {
        if (s === "") fail(ctx, "required");
        else if (!HEADER_NAME.test(s)) fail(ctx, 'use letters, digits, "-" and "_"');
      })
      .optional(),
    httpCookie: z.looseObject({ name: nonEmpty, path: z.string().optional(), ttl: duration(0).optional() }).optional(),
    useSourceIp: z.boolean().optional(),
    httpQueryParameterName: nonEmpty.optional(),
  })
  .superRefine((v, ctx) => {
    const set = ["httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName"].filter((k) => v[k] !== undefined);
    if (set.length !== 1) fail(ctx, "set exactly one hash key: header, cookie, source IP or query parameter");
  }, whenObject);

const positive = () => int(1).optional();
const pct = () => int(0, 100, "must be a percentage from 0 to 100").optional();

const trafficPolicy = z.looseObject({
  loadBalancer: z.looseObject({ simple: z.enum(SIMPLE_LB).optional(), consistentHash: consistentHash.optional() }).optional(),
  connectionPool: z
    .looseObject({
      tcp: z.looseObject({ maxConnections: positive(), connectTimeout: duration().optional() }).optional(),
      http: z.looseObject({ http1MaxPendingRequests: positive(), http2MaxRequests: positive(), maxRequestsPerConnection: positive(), maxRetries: positive(), idleTimeout: duration().optional() }).optional(),
    })
    .optional(),
  outlierDetection: z
    .looseObject({ consecutive5xxErrors: int(0).optional(), consecutiveGatewayErrors: int(0).optional(), interval: duration().optional(), baseEjectionTime: duration().optional(), maxEjectionPercent: pct(), minHealthPercent: pct() })
    .optional(),
});

const labels = z.record(z.string(), z.string()).superRefine((v, ctx) => {
  const keys = Object.keys(v);
  if (keys.length === 0) fail(ctx, "at least one label is required (a subset selects workloads by label)");
  for (const key of keys) {
    if (!LABEL_KEY.test(key)) fail(ctx, key === "" ? "label key must not be empty" : `invalid label key ${JSON.stringify(key)}`, [key]);
    else if (!LABEL_VALUE.test(v[key]!)) fail(ctx, `invalid label value ${JSON.stringify(v[key])}`, [key]);
  }
});

const subsets = z.array(z.looseObject({ name: subsetName, labels })).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((s, i) => {
    const name = s && typeof s === "object" ? (s as { name?: unknown }).name : undefined;
    if (typeof name !== "string" || name === "") return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else fail(ctx, `duplicate subset name "${name}" (also subset ${first + 1})`, [i, "name"]);
  });
}, whenArray);

export const destinationRuleSchema = z.looseObject({
  kind: z.literal("DestinationRule"),
  metadata: z.looseObject({ name: ruleName, namespace: namespaceName.optional() }),
  spec: z.looseObject({ host: serviceHost, trafficPolicy: trafficPolicy.optional(), subsets: subsets.optional() }),
});

export function destinationRuleProblems(doc: unknown): FieldProblem[] {
  return problemsOf(destinationRuleSchema, doc);
}
