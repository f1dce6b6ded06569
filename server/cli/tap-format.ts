// Renders tap events for the terminal the way `linkerd viz tap` does (req / rsp / end lines with µs
// latencies), plus what meshdash adds: the route and cluster, response flags, retries and drops.

import { toJsonString } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { ProxyDirection, TapEventSchema, type TapEvent, type TcpAddress } from "../../proto/gen/meshdash/tap/v1/tap_pb";

const GRPC_STATUS = ["OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"];

const micros = (d: Duration | undefined) => (d ? Number(d.seconds) * 1_000_000 + Math.round(d.nanos / 1000) : 0);
const addr = (a: TcpAddress | undefined) => (a ? (a.ip.includes(":") ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`) : "-");
const direction = (d: ProxyDirection) => (d === ProxyDirection.INBOUND ? "in " : d === ProxyDirection.OUTBOUND ? "out" : "-  ");

export function formatTapText(e: TapEvent): string {
  const ev = e.event;
  if (ev.case === "drops") return `drops queue-dropped=${ev.value.queueDropped} rate-limited=${ev.value.rateLimited}`;
  if (ev.case === undefined) return "";
  const id = ev.value.id;
  const head = `id=${id?.base ?? 0}:${id?.stream ?? 0} proxy=${direction(e.proxyDirection)} src=${addr(e.source)} dst=${addr(e.destination)}`;
  const rc = e.routeContext;
  switch (ev.case) {
    case "requestInit": {
      const where = rc?.cluster ? ` route=${rc.route || "-"} cluster=${rc.cluster}` : "";
      return `req ${head} :method=${ev.value.method} :authority=${ev.value.authority} :path=${ev.value.path}${where}`;
    }
    case "responseInit":
      return `rsp ${head} :status=${ev.value.httpStatus} latency=${micros(ev.value.sinceRequestInit)}µs`;
    case "responseEnd": {
      const v = ev.value;
      const eos =
        v.eos.case === "grpcStatusCode" ? ` grpc-status=${GRPC_STATUS[v.eos.value] ?? v.eos.value}` : v.eos.case === "resetErrorCode" ? ` reset-error=${v.eos.value}` : "";
      const flags = v.responseFlags ? ` response-flags=${v.responseFlags}` : "";
      const retries = v.retryAttempts ? ` retries=${v.retryAttempts}` : "";
      return `end ${head}${eos} duration=${micros(v.sinceResponseInit)}µs response-length=${v.responseBytes}B${flags}${retries}`;
    }
  }
}

/** One TapEvent as proto3 JSON on one line. */
export function formatTapJson(e: TapEvent): string {
  return toJsonString(TapEventSchema, e);
}
