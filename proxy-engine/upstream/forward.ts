// Forwards one request to an endpoint of its route's cluster over a pooled keep-alive connection.
// Bodies stream both ways with backpressure (pipe/pipeline). A connection that fails before any byte of the
// request was sent is tried on the next endpoint, so "no endpoint answered" means every one was tried.

import http from "node:http";
import type { Socket } from "node:net";
import { addFlag, type ActiveStream } from "../http/active-stream";
import { recordResponseStatus } from "../http/hcm-stats";
import { downstreamResponseHeaders, upstreamRequestHeaders } from "../http/headers";
import { sendLocalReply } from "../http/local-reply";
import type { CompiledCluster, Endpoint } from "./cluster";

/** Envoy's default route timeout (15 s); here it bounds upstream idleness until the response completes. */
const UPSTREAM_IDLE_TIMEOUT_MS = 15_000;

interface Failure {
  endpoint: Endpoint;
  code: string;
}

export function forward(s: ActiveStream, cluster: CompiledCluster): void {
  attempt(s, cluster, undefined);
}

function nextEndpoint(cluster: CompiledCluster, failures: Failure[] | undefined): Endpoint | undefined {
  for (let i = 0; i < cluster.endpoints.length; i++) {
    const ep = cluster.lb.pick();
    if (ep && (!failures || !failures.some((f) => f.endpoint === ep))) return ep;
  }
  return undefined;
}

function hasRequestBody(s: ActiveStream): boolean {
  const h = s.req.headers;
  return h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0");
}

function attempt(s: ActiveStream, cluster: CompiledCluster, failures: Failure[] | undefined): void {
  const ep = nextEndpoint(cluster, failures);
  if (!ep) {
    if (!failures) {
      addFlag(s, "UH");
      return sendLocalReply(s, 503, `no healthy upstream: cluster "${cluster.name}" has no endpoints`);
    }
    addFlag(s, "UF");
    const tried = failures.map((f) => `${f.endpoint.address} (${f.code})`).join(", ");
    return sendLocalReply(s, 503, `upstream connect error: no endpoint of cluster "${cluster.name}" answered; tried ${tried}`);
  }
  s.endpoint = ep;
  if (s.tap && !s.requestInitSent) {
    s.requestInitSent = true;
    s.tap.requestInit({
      virtualHost: s.virtualHost?.name ?? "",
      route: s.route?.name ?? "",
      cluster: cluster.name,
      endpoint: ep.address,
    });
  }
  cluster.stats.upstream_rq_total.value++;
  ep.stats.rq_total++;
  ep.stats.rq_active++;
  const { req, res } = s;
  const upReq = http.request({
    agent: cluster.agent,
    host: ep.host,
    port: ep.port,
    method: req.method,
    path: req.url,
    headers: upstreamRequestHeaders(req.headers, req.socket.remoteAddress),
    setHost: false,
  });
  s.upstream = upReq;
  let bodyStarted = false;
  let hostDone = false;
  const hostEnd = (ok: boolean) => {
    if (hostDone) return;
    hostDone = true;
    ep.stats.rq_active--;
    if (ok) ep.stats.rq_success++;
    else ep.stats.rq_error++;
  };
  let connectTimer: NodeJS.Timeout | undefined;
  const startBody = () => {
    bodyStarted = true;
    req.pipe(upReq);
  };
  upReq.once("socket", (sock: Socket) => {
    if (!sock.connecting) return startBody();
    connectTimer = setTimeout(() => upReq.destroy(codedError("ETIMEDOUT", "connect timeout")), cluster.connectTimeoutMs);
    sock.once("connect", () => {
      clearTimeout(connectTimer);
      startBody();
    });
  });
  upReq.setTimeout(UPSTREAM_IDLE_TIMEOUT_MS, () => upReq.destroy(codedError("UPSTREAM_TIMEOUT", "upstream request timeout")));

  upReq.once("response", (upRes) => {
    const status = upRes.statusCode ?? 502;
    bumpClusterStatus(cluster, status);
    upRes.once("close", () => hostEnd(status < 500 && upRes.complete));
    if (res.destroyed) return upRes.destroy();
    recordResponseStatus(s.stats, status);
    res.writeHead(status, downstreamResponseHeaders(upRes.headers, performance.now() - s.startedAt));
    s.tap?.responseInit(status, upRes.headers);
    if (s.tap) upRes.on("data", (chunk: Buffer) => (s.responseBytes += chunk.length));
    // pipe() gives backpressure both ways; it is much cheaper per request than stream.pipeline, and the
    // error paths are handled here: an upstream reset mid-body resets the downstream (flag UR), and the
    // downstream going away is handled by the connection manager (flag DC, upstream destroyed).
    upRes.once("error", () => {
      if (!res.destroyed) {
        addFlag(s, "UR");
        res.destroy();
      }
    });
    upRes.once("end", () => {
      s.trailers = upRes.trailers;
    });
    upRes.pipe(res);
  });

  upReq.on("error", (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    hostEnd(false);
    if (res.headersSent || res.destroyed) return;
    const code = err.code ?? err.message;
    if (code === "UPSTREAM_TIMEOUT") {
      addFlag(s, "UT");
      return sendLocalReply(s, 504, `upstream request timeout: ${ep.address} in cluster "${cluster.name}" sent no response`);
    }
    // Nothing of the request reached the upstream (or it was an idle keep-alive connection the peer had
    // closed, and there is no body to replay), so trying the next endpoint is safe.
    if (!bodyStarted || (upReq.reusedSocket && code === "ECONNRESET" && !hasRequestBody(s))) {
      cluster.stats.upstream_cx_connect_fail.value++;
      ep.stats.cx_connect_fail++;
      return attempt(s, cluster, [...(failures ?? []), { endpoint: ep, code }]);
    }
    addFlag(s, "UC");
    sendLocalReply(s, 503, `upstream connect error or disconnect/reset before headers: ${ep.address} in cluster "${cluster.name}" (${code})`);
  });
}

function codedError(code: string, message: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  return e;
}

function bumpClusterStatus(cluster: CompiledCluster, status: number): void {
  const st = cluster.stats;
  if (status >= 500) st.upstream_rq_5xx.value++;
  else if (status >= 400) st.upstream_rq_4xx.value++;
  else if (status >= 300) st.upstream_rq_3xx.value++;
  else if (status >= 200) st.upstream_rq_2xx.value++;
}
