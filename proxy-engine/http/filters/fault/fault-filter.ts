// envoy.filters.http.fault: injects delays and aborts for a percentage of requests (or as the
// x-envoy-fault-* request headers ask, when the config allows it), limited by max_active_faults.
// Flags: DI for an injected delay, FI for an injected abort.

import { HTTPFaultSchema, type HTTPFault } from "../../../../proto/gen/envoy/extensions/filters/http/fault/v3/fault_pb";
import { ConfigError } from "../../../config/config-error";
import { durationToMs } from "../../../router/compile-route-config";
import { compileHeaderMatcher, fractionOf, type RequestPredicate } from "../../../router/request-matcher";
import type { StatsStore } from "../../../stats/stats-store";
import { addFlag } from "../../active-stream";
import { responseDestroyed } from "../../downstream";
import type { StreamFilter } from "../stream-filter";

export const FAULT_FILTER = "envoy.filters.http.fault";
export const FAULT_TYPE = HTTPFaultSchema.typeName;

interface CompiledFault {
  delayMs: number | undefined;
  headerDelay: boolean;
  delayP: number;
  abortStatus: number | undefined;
  headerAbort: boolean;
  abortP: number;
  conditions: RequestPredicate[];
  upstreamCluster: string;
}

function compileFault(cfg: HTTPFault, path: string): CompiledFault {
  const delay = cfg.delay;
  const abort = cfg.abort;
  const et = abort?.errorType;
  if (et?.case === "grpcStatus") throw new ConfigError([{ path: `${path}.abort.grpc_status`, message: "gRPC aborts are not supported yet; use http_status" }]);
  const abortStatus = et?.case === "httpStatus" ? et.value : undefined;
  if (abortStatus !== undefined && (abortStatus < 200 || abortStatus > 599)) throw new ConfigError([{ path: `${path}.abort.http_status`, message: `must be in [200, 599], got ${abortStatus}` }]);
  return {
    delayMs: delay?.faultDelaySecifier.case === "fixedDelay" ? durationToMs(delay.faultDelaySecifier.value) : undefined,
    headerDelay: delay?.faultDelaySecifier.case === "headerDelay",
    delayP: fractionOf(delay?.percentage),
    abortStatus,
    headerAbort: et?.case === "headerAbort",
    abortP: fractionOf(abort?.percentage),
    conditions: cfg.headers.map((h, i) => compileHeaderMatcher(h, `${path}.headers[${i}]`)),
    upstreamCluster: cfg.upstreamCluster,
  };
}

/** A route's typed_per_filter_config fault (how Istio writes a VirtualService's fault), compiled once per config. */
const perRoute = new WeakMap<object, CompiledFault | null>();
function routeFault(m: object): CompiledFault | null {
  let f = perRoute.get(m);
  if (f === undefined) {
    try {
      f = compileFault(m as HTTPFault, "typed_per_filter_config");
    } catch {
      f = null;
    }
    perRoute.set(m, f);
  }
  return f;
}

export function createFaultFilter(cfg: HTTPFault, path: string, stats: StatsStore, statPrefix: string): StreamFilter {
  const base = compileFault(cfg, path);
  const maxActive = cfg.maxActiveFaults ?? Infinity;
  let active = 0;
  const injectedDelays = stats.counter(`http.${statPrefix}.fault.delays_injected`);
  const injectedAborts = stats.counter(`http.${statPrefix}.fault.aborts_injected`);
  const overflow = stats.counter(`http.${statPrefix}.fault.faults_overflow`);

  return {
    name: FAULT_FILTER,
    afterRoute(ctx) {
      // A route's own fault config replaces the filter's (Envoy's per-route override).
      const override = ctx.s.route?.perFilterConfig.get(FAULT_FILTER);
      const f = override ? routeFault(override) : base;
      if (!f) return "continue";
      const h = ctx.input.headers;
      if (f.upstreamCluster && ctx.s.route?.action.kind === "forward" && ctx.s.route.action.target.kind === "cluster" && ctx.s.route.action.target.name !== f.upstreamCluster) return "continue";
      if (!f.conditions.every((c) => c(ctx.input))) return "continue";
      const abortCode = f.headerAbort ? Number(h["x-envoy-fault-abort-request"]) || undefined : f.abortStatus;
      const wantAbort = abortCode !== undefined && Math.random() < f.abortP;
      const d = f.headerDelay ? Number(h["x-envoy-fault-delay-request"]) || undefined : f.delayMs;
      const wantDelay = d !== undefined && d > 0 && Math.random() < f.delayP;
      if (!wantAbort && !wantDelay) return "continue";
      if (active >= maxActive) {
        overflow.value++;
        return "continue";
      }
      const doAbort = () => {
        injectedAborts.value++;
        ctx.reply(abortCode!, "fault filter abort", "FI");
      };
      if (!wantDelay) {
        doAbort();
        return "stop";
      }
      active++;
      injectedDelays.value++;
      addFlag(ctx.s, "DI");
      const t = setTimeout(() => {
        active--;
        if (responseDestroyed(ctx.s.res)) return;
        if (wantAbort) doAbort();
        else ctx.resume();
      }, d);
      ctx.s.res.once("close", () => clearTimeout(t));
      return "stop";
    },
  };
}
