// Zod schema for one VirtualService `http` route (Istio HTTPRoute) and everything under it: match, route
// destinations and weights, redirect, directResponse, rewrite, timeout, retries, fault and headers.

import { z } from "zod";
import { commonSchemas, duration, matchHeaderNameProblem, regexString, rewriteRegexString, serviceHost, subsetName } from "./common-schemas";
import { ISTIO_RETRY_ON, MESHDASH_RETRY_ON } from "./unsupported-fields";
import { fail, int, type Kit, oneOf, whenArray, whenObject } from "./zod-kit";

export const REDIRECT_CODES = [301, 302, 303, 307, 308] as const;
const MAX_BODY = 1024 * 1024;
const ISTIO_RETRY_SET: ReadonlySet<string> = new Set(ISTIO_RETRY_ON);

/** An HTTP status code Go's net/http knows, as Istio checks numeric retryOn entries. */
function isStatusCode(s: string): boolean {
  return /^[1-5][0-9][0-9]$/.test(s);
}

export function httpRouteSchema(k: Kit) {
  const c = commonSchemas(k);

  const headerMatches = (match: typeof c.stringMatch) =>
    z.record(z.string(), match).superRefine((v, ctx) => {
      for (const name of Object.keys(v)) {
        const problem = matchHeaderNameProblem(name);
        if (problem) fail(ctx, problem, [name]);
      }
    });

  const matchRequest = k.message("HTTPMatchRequest", {
    name: z.string().optional(),
    uri: c.stringMatch.optional(),
    scheme: c.stringMatch.optional(),
    method: c.stringMatch.optional(),
    authority: c.stringMatch.optional(),
    headers: headerMatches(c.headerMatch).optional(),
    withoutHeaders: headerMatches(c.headerMatch).optional(),
    queryParams: z.record(z.string(), c.queryParamMatch).optional(),
    ignoreUriCase: z.boolean().optional(),
  });

  const destination = k.message("Destination", {
    host: serviceHost,
    subset: subsetName.optional(),
    port: k.message("PortSelector", { number: int(1, 65535, "must be a port number from 1 to 65535") }).optional(),
  });

  const routeDestination = k.message("HTTPRouteDestination", {
    destination,
    weight: int(0, 100, "must be an integer from 0 to 100").optional(),
    headers: c.headers.optional(),
  });

  const routes = z.array(routeDestination).superRefine((list, ctx) => {
    if (list.length === 0) return fail(ctx, "at least one destination is required");
    if (list.length < 2) return;
    const weights = list.map((d) => (d && typeof d === "object" ? (d as { weight?: unknown }).weight : undefined));
    if (!weights.every((w) => w === undefined || (Number.isInteger(w) && (w as number) >= 0 && (w as number) <= 100))) return;
    const sum = weights.reduce<number>((a, w) => a + ((w as number | undefined) ?? 0), 0);
    if (sum !== 100) fail(ctx, `weights must sum to 100 when a route has several destinations; they sum to ${sum}`);
  }, whenArray);

  const rewrite = k
    .message("HTTPRewrite", {
      uri: z.string().optional(),
      authority: z.string().optional(),
      uriRegexRewrite: k.message("RegexRewrite", { match: rewriteRegexString, rewrite: z.string() }).optional(),
    })
    .superRefine((v, ctx) => {
      if (v.uri !== undefined && v.uriRegexRewrite !== undefined) fail(ctx, "set at most one of uri or uriRegexRewrite (found uri and uriRegexRewrite)");
      if (v.uri === undefined && v.uriRegexRewrite === undefined && v.authority === undefined) fail(ctx, "set at least one of uri, uriRegexRewrite or authority");
    }, whenObject);

  const redirect = k
    .message("HTTPRedirect", {
      uri: z.string().optional(),
      authority: z.string().optional(),
      redirectCode: z
        .number()
        .superRefine((n, ctx) => {
          if (!(REDIRECT_CODES as readonly number[]).includes(n)) fail(ctx, `must be one of ${REDIRECT_CODES.join(", ")}`);
        })
        .optional(),
    })
    .superRefine((v, ctx) => {
      if (v.uri === undefined && v.authority === undefined) fail(ctx, "set at least one of uri or authority");
    }, whenObject);

  const directResponse = k.message("HTTPDirectResponse", {
    status: int(200, 599, "must be an HTTP status from 200 to 599"),
    body: k
      .message("HTTPBody", {
        string: z.string().superRefine((s, ctx) => {
          if (s.length > MAX_BODY) fail(ctx, "must be smaller than 1MB");
        }),
      })
      .optional(),
  });

  let retryOn: z.ZodType<string> = z.string().superRefine((s, ctx) => {
    for (const policy of s.split(",")) {
      if (!ISTIO_RETRY_SET.has(policy) && !isStatusCode(policy)) {
        const hint = policy.trim() !== policy ? " (remove the spaces)" : "";
        fail(ctx, `${JSON.stringify(policy)} is not a retryOn policy${hint}; use ${ISTIO_RETRY_ON.slice(0, 5).join(", ")}, … or an HTTP status code`);
      } else if (!MESHDASH_RETRY_ON.has(policy) && !isStatusCode(policy)) {
        k.warn(ctx, `${JSON.stringify(policy)} is not supported by meshdash; ignored`);
      }
    }
  });
  if (k.mode === "accept") retryOn = retryOn.transform((s) => s.split(",").filter((p) => MESHDASH_RETRY_ON.has(p) || isStatusCode(p)).join(","));

  const checkedRetries = k
    .message("HTTPRetry", { attempts: int(0), perTryTimeout: duration(1).optional(), retryOn: retryOn.optional() })
    .superRefine((v, ctx) => {
      if (v.attempts === 0 && (v.perTryTimeout !== undefined || v.retryOn !== undefined)) fail(ctx, "retries are disabled when attempts is 0; remove perTryTimeout and retryOn or set attempts", ["attempts"]);
    }, whenObject);
  // In the data pass, a retryOn whose every policy was unsupported (and so dropped) is removed.
  const retries =
    k.mode === "accept"
      ? checkedRetries.transform((v) => {
          if (v.retryOn === "") delete v.retryOn;
          return v;
        })
      : checkedRetries;

  const fault = k
    .message("HTTPFaultInjection", {
      delay: k.message("Delay", { fixedDelay: duration(1), percentage: c.percent.optional() }).optional(),
      abort: k.message("Abort", { httpStatus: int(200, 599, "must be an HTTP status from 200 to 599"), percentage: c.percent.optional() }).optional(),
    })
    .superRefine((v, ctx) => {
      if (v.delay === undefined && v.abort === undefined) fail(ctx, "set delay, abort or both");
    }, whenObject);

  return k
    .message("HTTPRoute", {
      name: z.string().optional(),
      match: z.array(matchRequest).optional(),
      route: routes.optional(),
      redirect: redirect.optional(),
      directResponse: directResponse.optional(),
      rewrite: rewrite.optional(),
      timeout: duration(1).optional(),
      retries: retries.optional(),
      fault: fault.optional(),
      headers: c.headers.optional(),
    })
    .superRefine((v, ctx) => {
      oneOf(["route", "redirect", "directResponse"])(v, ctx);
      const action = v.redirect !== undefined ? "redirect" : v.directResponse !== undefined ? "directResponse" : undefined;
      if (action && v.rewrite !== undefined) fail(ctx, `rewrite cannot be combined with ${action}`, ["rewrite"]);
      if (action && v.fault !== undefined) fail(ctx, `fault cannot be combined with ${action}`, ["fault"]);
      authorityOnce(v, ctx);
    }, whenObject);
}

/** Istio refuses to rewrite the authority in two places (rewrite.authority and a request header). */
function authorityOnce(v: Record<string, unknown>, ctx: z.core.$RefinementCtx<unknown>): void {
  const rewrite = v.rewrite as { authority?: unknown } | undefined;
  let setBy = rewrite && typeof rewrite === "object" && rewrite.authority !== undefined ? "rewrite.authority" : undefined;
  const request = (v.headers as { request?: Record<string, unknown> } | undefined)?.request;
  for (const op of ["set", "add"] as const) {
    const map = request && typeof request === "object" ? request[op] : undefined;
    if (!map || typeof map !== "object") continue;
    for (const name of Object.keys(map)) {
      const lower = name.toLowerCase();
      if (lower !== ":authority" && lower !== "host") continue;
      if (setBy) fail(ctx, `the authority is already set by ${setBy}; set it in one place only`, ["headers", "request", op, name]);
      setBy = `headers.request.${op}`;
    }
  }
}
