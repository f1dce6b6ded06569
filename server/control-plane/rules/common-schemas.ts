// Schemas for the Istio messages VirtualService and DestinationRule share: StringMatch (with safe RE2-style
// regexes), header operations, durations, percentages, hosts and DNS-style names.

import { z } from "zod";
import { compileRewriteRegex, compileSafeRegex, RegexError } from "../../../proxy-engine/router/safe-regex";
import { durationProblem } from "./duration";
import { describeValue, fail, type Kit, num, oneOf, whenObject } from "./zod-kit";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOST = /^(\*|(\*\.)?[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?)*)$/;
const MATCH_HEADER_NAME = /^[-_A-Za-z0-9]+$/;
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}

export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS_SUBDOMAIN.test(s);
}

/** Why `pattern` is not a regex the engine runs (RE2 syntax; for rewrites, also V8's linear engine), or undefined. */
export function regexProblem(pattern: string, use: "match" | "rewrite" = "match"): string | undefined {
  if (pattern === "") return "must not be empty";
  try {
    if (use === "rewrite") compileRewriteRegex(pattern);
    else compileSafeRegex(pattern, { fullMatch: true });
    return undefined;
  } catch (e) {
    if (e instanceof RegexError) return `invalid regex ${JSON.stringify(pattern)}: ${e.message}`;
    throw e;
  }
}

export const regexString = z.string().superRefine((s, ctx) => {
  const problem = regexProblem(s);
  if (problem) fail(ctx, problem);
});

/** A regex_rewrite pattern: also has to run on V8's linear-time engine (see safe-regex.ts). */
export const rewriteRegexString = z.string().superRefine((s, ctx) => {
  const problem = regexProblem(s, "rewrite");
  if (problem) fail(ctx, problem);
});

/** A duration string of at least `minMs` milliseconds, millisecond precision. */
export function duration(minMs: number) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? "required" : `expected a duration such as "1s" or "250ms", got ${describeValue(iss.input)}`) })
    .superRefine((s, ctx) => {
      const problem = durationProblem(s, minMs);
      if (problem) fail(ctx, problem);
    });
}

/** A host a rule applies to: a short name, a FQDN, or a wildcard such as "*" or "*.example.com". */
export const ruleHost = z.string().superRefine((s, ctx) => {
  if (s === "") fail(ctx, "must not be empty");
  else if (s.length > 255 || !HOST.test(s)) fail(ctx, `invalid host ${JSON.stringify(s)}; use a service name such as "reviews", a FQDN, or a wildcard such as "*.example.com"`);
});

/** A host naming one service (destinations, DestinationRule.host). */
export const serviceHost = ruleHost.superRefine((s, ctx) => {
  if (s.startsWith("*")) fail(ctx, "must name one service; wildcards are not supported here");
});

export const subsetName = z.string().superRefine((s, ctx) => {
  if (s === "") fail(ctx, "must not be empty");
  else if (!isDnsLabel(s)) fail(ctx, `invalid subset name ${JSON.stringify(s)}; use lowercase letters, digits and "-" (a DNS label)`);
});

export function matchHeaderNameProblem(name: string): string | undefined {
  if (name === "") return "header name must not be empty";
  if (!MATCH_HEADER_NAME.test(name)) return `invalid header name ${JSON.stringify(name)}; use letters, digits, "-" and "_"`;
  return undefined;
}

/** Istio's rules for header names in set/add/remove: `authority` allows :authority and host (request set/add). */
function operationNameProblem(name: string, authority: boolean): string | undefined {
  if (name === "") return "header name must not be empty";
  const lower = name.toLowerCase();
  if (authority && (lower === ":authority" || lower === "host")) return undefined;
  if (lower === "host") return `invalid header "${name}": cannot set the Host header here`;
  if (name.startsWith(":")) return `invalid header "${name}": pseudo-headers (":" prefix) cannot be changed`;
  return undefined;
}

export function commonSchemas(k: Kit) {
  const stringMatchShape = { exact: z.string().optional(), prefix: z.string().optional(), regex: regexString.optional() };
  const makeStringMatch = (noneHint: string) =>
    k.message("StringMatch", stringMatchShape).superRefine((v, ctx) => {
      const present = (["exact", "prefix", "regex"] as const).filter((key) => v[key] !== undefined);
      if (present.length === 0) fail(ctx, `set exactly one of exact, prefix or regex (found none${noneHint})`);
      else oneOf(["exact", "prefix", "regex"])(v, ctx);
      if (v.prefix === "") fail(ctx, "must not be empty", ["prefix"]);
    }, whenObject);
  const stringMatch = makeStringMatch("");
  /** Istio treats `name: {}` under headers as "header present"; meshdash does not model that. */
  const headerMatch = makeStringMatch("; matching on presence alone ({}) is not supported by meshdash");
  const queryParamMatch = makeStringMatch("").superRefine((v, ctx) => {
    if (v.prefix !== undefined) fail(ctx, "prefix is not supported for query parameters (Istio matches them by exact or regex only)", ["prefix"]);
  }, whenObject);

  const headerValue = z.string().superRefine((s, ctx) => {
    if (!HEADER_VALUE.test(s)) fail(ctx, "header values must not contain control characters");
  });

  function headerOperations(authority: boolean) {
    return k
      .message("HeaderOperations", {
        set: z.record(z.string(), headerValue).optional(),
        add: z.record(z.string(), headerValue).optional(),
        remove: z.array(z.string()).optional(),
      })
      .superRefine((v, ctx) => {
        for (const op of ["set", "add"] as const) {
          const map = v[op];
          if (!map || typeof map !== "object") continue;
          for (const name of Object.keys(map)) {
            const problem = operationNameProblem(name, authority);
            if (problem) fail(ctx, problem, [op, name]);
          }
        }
        if (Array.isArray(v.remove)) {
          v.remove.forEach((name, i) => {
            const problem = typeof name === "string" ? operationNameProblem(name, false) : undefined;
            if (problem) fail(ctx, problem, ["remove", i]);
          });
        }
      }, whenObject);
  }

  const headers = k.message("Headers", { request: headerOperations(true).optional(), response: headerOperations(false).optional() });
  const percent = k.message("Percent", { value: num(0, 100, "must be a percentage from 0 to 100") });

  return { stringMatch, headerMatch, queryParamMatch, headers, percent };
}

export type CommonSchemas = ReturnType<typeof commonSchemas>;
