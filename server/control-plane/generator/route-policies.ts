// Per-route policies from a VirtualService http[] entry: header operations (set/add/remove), fault
// injection (packed HTTPFault for typed_per_filter_config), and the retry policy (Istio's default when
// the rule has no retries field; numeric retryOn entries become retriable_status_codes).

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { HeaderValueOption_HeaderAppendAction as AppendAction, type HeaderValueOptionSchema } from "../../../proto/gen/envoy/config/core/v3/base_pb";
import type { RetryPolicySchema } from "../../../proto/gen/envoy/config/route/v3/route_components_pb";
import { HTTPFaultSchema } from "../../../proto/gen/envoy/extensions/filters/http/fault/v3/fault_pb";
import { FractionalPercent_DenominatorType, type FractionalPercentSchema } from "../../../proto/gen/envoy/type/v3/percent_pb";
import type { HeaderOperations, HttpFaultInjection, HttpRetry, Percent } from "../rules/istio-types";
import { istioDuration } from "./proto-duration";

export const FAULT_FILTER = "envoy.filters.http.fault";
/** Istio's default retry_on for HTTP routes. */
export const ISTIO_DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
export const ISTIO_DEFAULT_ATTEMPTS = 2;

type HeaderOption = MessageInitShape<typeof HeaderValueOptionSchema>;

export interface HeaderEdits {
  add: HeaderOption[];
  remove: string[];
}

/** set → OVERWRITE_IF_EXISTS_OR_ADD, add → APPEND_IF_EXISTS_OR_ADD, remove → *_headers_to_remove. */
export function headerEdits(ops: HeaderOperations | undefined): HeaderEdits {
  const add: HeaderOption[] = [];
  for (const [key, value] of Object.entries(ops?.set ?? {})) add.push({ header: { key, value }, appendAction: AppendAction.OVERWRITE_IF_EXISTS_OR_ADD });
  for (const [key, value] of Object.entries(ops?.add ?? {})) add.push({ header: { key, value }, appendAction: AppendAction.APPEND_IF_EXISTS_OR_ADD });
  return { add, remove: [...(ops?.remove ?? [])] };
}

/** Whole percents as HUNDRED, fractional ones as MILLION (Envoy fractions are integers); absent = 100%. */
export function fractionalPercent(p: Percent | undefined): MessageInitShape<typeof FractionalPercentSchema> {
  const v = Math.min(100, Math.max(0, p?.value ?? 100));
  if (Number.isInteger(v)) return { numerator: v, denominator: FractionalPercent_DenominatorType.HUNDRED };
  return { numerator: Math.round(v * 10_000), denominator: FractionalPercent_DenominatorType.MILLION };
}

export function faultConfig(f: HttpFaultInjection): Any {
  const msg = create(HTTPFaultSchema, {
    delay: f.delay ? { faultDelaySecifier: { case: "fixedDelay", value: istioDuration(f.delay.fixedDelay) ?? { seconds: 0n } }, percentage: fractionalPercent(f.delay.percentage) } : undefined,
    abort: f.abort ? { errorType: { case: "httpStatus", value: f.abort.httpStatus }, percentage: fractionalPercent(f.abort.percentage) } : undefined,
  });
  return anyPack(HTTPFaultSchema, msg);
}

/** The route retry policy: the same for sidecars, gateways and proxyless clients, as in Istio. */
export function retryPolicy(r: HttpRetry | undefined): MessageInitShape<typeof RetryPolicySchema> | undefined {
  if (r && r.attempts <= 0) return undefined;
  const conditions: string[] = [];
  const codes: number[] = [];
  for (const part of (r?.retryOn ?? ISTIO_DEFAULT_RETRY_ON).split(",")) {
    const c = part.trim();
    if (!c) continue;
    if (/^\d+$/.test(c)) codes.push(Number(c));
    else if (!conditions.includes(c)) conditions.push(c);
  }
  if (!r?.retryOn) codes.push(503);
  if (codes.length && !conditions.includes("retriable-status-codes")) conditions.push("retriable-status-codes");
  return {
    retryOn: conditions.join(","),
    numRetries: r?.attempts ?? ISTIO_DEFAULT_ATTEMPTS,
    perTryTimeout: istioDuration(r?.perTryTimeout),
    retriableStatusCodes: codes,
    hostSelectionRetryMaxAttempts: 5n,
  };
}
