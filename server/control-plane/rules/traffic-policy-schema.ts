// Zod schema for a DestinationRule traffic policy (Istio TrafficPolicy): load balancing (simple or consistent
// hash), connection pool limits and outlier detection.

import { z } from "zod";
import { duration, matchHeaderNameProblem } from "./common-schemas";
import { UNSUPPORTED_FIELDS } from "./unsupported-fields";
import { fail, int, type Kit, nonEmptyString, oneOf, whenObject } from "./zod-kit";

export const SIMPLE_LB = ["UNSPECIFIED", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"] as const;
export const MAGLEV_MAX_TABLE = 5_000_011;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0) return false;
  for (let f = 3; f * f <= n; f += 2) if (n % f === 0) return false;
  return true;
}

const HASH_KEYS = ["httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName"] as const;

export function trafficPolicySchema(k: Kit) {
  const consistentHash = k
    .message("ConsistentHashLB", {
      httpHeaderName: z
        .string()
        .superRefine((s, ctx) => {
          const problem = matchHeaderNameProblem(s);
          if (problem) fail(ctx, problem);
        })
        .optional(),
      httpCookie: k.message("HTTPCookie", { name: nonEmptyString(), path: z.string().optional(), ttl: duration(0).optional() }).optional(),
      useSourceIp: z.boolean().optional(),
      httpQueryParameterName: nonEmptyString().optional(),
      ringHash: k.message("RingHash", { minimumRingSize: int(1, Number.MAX_SAFE_INTEGER, "must be a positive integer").optional() }).optional(),
      maglev: k
        .message("MagLev", {
          tableSize: z.number().superRefine((n, ctx) => {
            if (!Number.isInteger(n) || n < 2 || n >= MAGLEV_MAX_TABLE || !isPrime(n)) fail(ctx, `must be a prime number below ${MAGLEV_MAX_TABLE}, e.g. 65537`);
          }),
        })
        .optional(),
    })
    .superRefine((v, ctx) => {
      oneOf(HASH_KEYS)(v, ctx);
      oneOf(["ringHash", "maglev"], false)(v, ctx);
      if (v.useSourceIp === false) fail(ctx, "must be true when set (it selects the client IP as the hash key)", ["useSourceIp"]);
    }, whenObject);

  const loadBalancer = k
    .message("LoadBalancerSettings", { simple: z.enum(SIMPLE_LB).optional(), consistentHash: consistentHash.optional() })
    .superRefine((v, ctx) => {
      // Istio allows a loadBalancer holding only locality settings; those are unsupported (and warned about).
      const onlyUnsupported = Object.keys(v).some((key) => (UNSUPPORTED_FIELDS.LoadBalancerSettings as readonly string[]).includes(key));
      oneOf(["simple", "consistentHash"], !onlyUnsupported)(v, ctx);
    }, whenObject);

  const positive = () => int(1).optional();
  const connectionPool = k
    .message("ConnectionPoolSettings", {
      tcp: k.message("TCPSettings", { maxConnections: positive(), connectTimeout: duration(1).optional() }).optional(),
      http: k
        .message("HTTPSettings", {
          http1MaxPendingRequests: positive(),
          http2MaxRequests: positive(),
          maxRequestsPerConnection: positive(),
          maxRetries: positive(),
          idleTimeout: duration(1).optional(),
        })
        .optional(),
    })
    .superRefine((v, ctx) => {
      if (Object.keys(v).length === 0) fail(ctx, "set at least one of tcp or http");
    }, whenObject);

  const percent = () => int(0, 100, "must be a percentage from 0 to 100").optional();
  const outlierDetection = k.message("OutlierDetection", {
    consecutive5xxErrors: int(0).optional(),
    consecutiveGatewayErrors: int(0).optional(),
    interval: duration(1).optional(),
    baseEjectionTime: duration(1).optional(),
    maxEjectionPercent: percent(),
    minHealthPercent: percent(),
  });

  return k
    .message("TrafficPolicy", { loadBalancer: loadBalancer.optional(), connectionPool: connectionPool.optional(), outlierDetection: outlierDetection.optional() })
    .superRefine((v, ctx) => {
      if (Object.keys(v).length === 0) fail(ctx, "set at least one of loadBalancer, connectionPool or outlierDetection");
    }, whenObject);
}
