// One upstream attempt: a request to one endpoint over the cluster's keep-alive pool, with the request body
// piped only once the connection is up (so a refused connection can be retried on the next endpoint with
// nothing lost), a connect timeout, and an optional per-try timeout.

import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { ActiveStream } from "../http/active-stream";
import type { CompiledCluster, Endpoint } from "./cluster";

export type AttemptFailure =
  /** Nothing reached the upstream: refused, unreachable, connect timeout, or an idle pooled connection the peer had closed. */
  | { kind: "connect"; code: string }
  /** The request (or part of it) was sent, then the connection failed before response headers. */
  | { kind: "reset"; code: string }
  | { kind: "per-try-timeout" };

export interface AttemptHandlers {
  onResponse(res: IncomingMessage): void;
  onFailure(f: AttemptFailure): void;
}

export interface AttemptOptions {
  path: string;
  headers: OutgoingHttpHeaders;
  perTryTimeoutMs: number;
  /** Whether the downstream request has a body (a body can only be sent once). */
  hasBody: boolean;
}

export function startAttempt(s: ActiveStream, cluster: CompiledCluster, ep: Endpoint, opts: AttemptOptions, h: AttemptHandlers): http.ClientRequest {
  const { req } = s;
  ep.stats.rq_total++;
  ep.stats.rq_active++;
  cluster.stats.upstream_rq_total.value++;
  const upReq = http.request({ agent: cluster.agent, host: ep.host, port: ep.port, method: req.method, path: opts.path, headers: opts.headers, setHost: false });
  let bodyStarted = false;
  let settled = false;
  let connectTimer: NodeJS.Timeout | undefined;
  let tryTimer: NodeJS.Timeout | undefined;
  let hostDone = false;
  const hostEnd = (ok: boolean) => {
    if (hostDone) return;
    hostDone = true;
    ep.stats.rq_active--;
    if (ok) ep.stats.rq_success++;
    else ep.stats.rq_error++;
  };
  const settle = () => {
    settled = true;
    clearTimeout(connectTimer);
    clearTimeout(tryTimer);
  };
  const startBody = () => {
    bodyStarted = true;
    if (opts.hasBody) req.pipe(upReq);
    else upReq.end();
  };
  upReq.once("socket", (sock: Socket) => {
    if (!sock.connecting) return startBody();
    connectTimer = setTimeout(() => upReq.destroy(coded("ETIMEDOUT", `connect timeout after ${cluster.connectTimeoutMs}ms`)), cluster.connectTimeoutMs);
    sock.once("connect", () => {
      clearTimeout(connectTimer);
      startBody();
    });
  });
  if (opts.perTryTimeoutMs > 0) {
    tryTimer = setTimeout(() => {
      if (settled) return;
      settle();
      hostEnd(false);
      cluster.stats.upstream_rq_per_try_timeout.value++;
      upReq.destroy();
      h.onFailure({ kind: "per-try-timeout" });
    }, opts.perTryTimeoutMs);
  }
  upReq.once("response", (upRes) => {
    if (settled) return upRes.destroy();
    settle();
    const status = upRes.statusCode ?? 502;
    upRes.once("close", () => hostEnd(status < 500 && upRes.complete));
    h.onResponse(upRes);
  });
  upReq.on("error", (err: NodeJS.ErrnoException) => {
    if (settled) return;
    settle();
    hostEnd(false);
    const code = err.code ?? err.message;
    // An idle keep-alive connection the peer closed fails on first use; with no body, nothing was lost.
    const nothingSent = !bodyStarted || (upReq.reusedSocket && code === "ECONNRESET" && !opts.hasBody);
    if (nothingSent) {
      cluster.stats.upstream_cx_connect_fail.value++;
      ep.stats.cx_connect_fail++;
    }
    h.onFailure(nothingSent ? { kind: "connect", code } : { kind: "reset", code });
  });
  return upReq;
}

function coded(code: string, message: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  return e;
}
