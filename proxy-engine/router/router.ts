// The router (Envoy's envoy.filters.http.router): picks the cluster for a forward action, rewrites the path
// and host, applies header mutations, enforces the route timeout, and retries per the route's retry policy
// with jittered exponential backoff. Connection failures fail over to the next endpoint, since nothing was
// sent; requests with a body are never replayed.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { requestHasBody, resetResponse, responseDestroyed } from "../http/downstream";
import type { BodySink, UpstreamResponse } from "../upstream/upstream-response";
import { addFlag, type ActiveStream } from "../http/active-stream";
import { recordResponseStatus } from "../http/hcm-stats";
import type { FormatContext } from "../http/header-format";
import { applyHeaderMutation } from "../http/header-mutation";
import { downstreamResponseHeaders, upstreamRequestHeaders } from "../http/headers";
import { sendLocalReply } from "../http/local-reply";
import { pickUntried, requestAllowed, retryAllowed, type CompiledCluster, type Endpoint } from "../upstream/cluster";
import { startAttempt, type AttemptFailure, type AttemptHandlers } from "../upstream/upstream-request";
import { runPhase, runResponseHeaders } from "../http/filters/stream-filter";
import type { ClusterTarget, CompiledRoute, ForwardAction, RetryPolicy } from "./route-table";

export function pickCluster(target: ClusterTarget, headers: IncomingHttpHeaders): string | undefined {
  switch (target.kind) {
    case "cluster":
      return target.name;
    case "header": {
      const v = headers[target.header];
      return Array.isArray(v) ? v[0] : v;
    }
    case "weighted": {
      let r = Math.random() * target.total;
      for (const c of target.clusters) if ((r -= c.weight) < 0) return c.name;
      return target.clusters[target.clusters.length - 1]?.name;
    }
  }
}

export function rewritePath(url: string, route: CompiledRoute, action: ForwardAction): string {
  if (!action.prefixRewrite && !action.regexRewrite) return url;
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? "" : url.slice(q);
  let out = path;
  if (action.regexRewrite) out = path.replace(action.regexRewrite.re, action.regexRewrite.substitution);
  else if (action.prefixRewrite !== undefined && route.pathKind !== 2) out = action.prefixRewrite + path.slice(route.pathValue.length);
  return out + query;
}

export function formatContext(s: ActiveStream): FormatContext {
  const sock = s.req.socket;
  return {
    downstreamRemote: `${sock.remoteAddress ?? ""}:${sock.remotePort ?? 0}`,
    downstreamLocal: `${sock.localAddress ?? ""}:${sock.localPort ?? 0}`,
    protocol: `HTTP/${s.req.httpVersion}`,
    requestHeaders: s.req.headers,
    startTime: Date.now(),
    upstreamHost: s.endpoint?.address ?? "",
    cluster: s.cluster?.name ?? "",
  };
}

function backoffMs(p: RetryPolicy, retry: number): number {
  // Envoy's fully jittered exponential backoff: uniform in [0, base * 2^retry], capped at max.
  return Math.random() * Math.min(p.maxIntervalMs, p.baseIntervalMs * 2 ** retry);
}

/** Envoy's gRPC retry conditions, keyed by the grpc-status a trailers-only response carries. */
const GRPC_RETRY_ON: Record<string, string> = { "1": "cancelled", "4": "deadline-exceeded", "8": "resource-exhausted", "13": "internal", "14": "unavailable" };

function retriableStatus(p: RetryPolicy, status: number, headers: IncomingHttpHeaders): boolean {
  const on = p.retryOn;
  const grpc = headers["grpc-status"];
  if (typeof grpc === "string" && grpc !== "0" && on.has(GRPC_RETRY_ON[grpc] ?? "")) return true;
  if (on.has("5xx") && status >= 500) return true;
  if (on.has("gateway-error") && (status === 502 || status === 503 || status === 504)) return true;
  if (on.has("retriable-4xx") && status === 409) return true;
  return on.has("retriable-status-codes") && p.retriableStatusCodes.includes(status);
}

export function forwardRequest(s: ActiveStream, route: CompiledRoute, action: ForwardAction): void {
  const { req } = s;
  const name = pickCluster(action.target, req.headers);
  const cluster = name ? s.config.clusters.get(name) : undefined;
  if (!cluster) {
    addFlag(s, "NC");
    const status = action.target.kind === "header" ? 404 : 503;
    return sendLocalReply(s, status, name ? `cluster "${name}" not found (route "${route.name}")` : `no cluster: header "${(action.target as { header: string }).header}" is missing (route "${route.name}")`);
  }
  if (!requestAllowed(cluster)) {
    cluster.stats.upstream_rq_pending_overflow.value++;
    addFlag(s, "UO");
    return sendLocalReply(s, 503, `upstream overflow: cluster "${cluster.name}" is at its circuit breaker limit (${cluster.stats.upstream_rq_active.value} requests in flight)`);
  }
  s.cluster = cluster;
  cluster.stats.upstream_rq_active.value++;
  const f = new Forwarding(s, route, action, cluster);
  if (action.timeoutMs > 0) {
    s.routeTimer = setTimeout(() => {
      cluster.stats.upstream_rq_timeout.value++;
      addFlag(s, "UT");
      // Answer first: abandoning the upstream reports a failure that must not answer in its place.
      if (!s.res.headersSent) sendLocalReply(s, 504, `upstream request timeout: no response from cluster "${cluster.name}" within ${action.timeoutMs}ms (route "${route.name}")`);
      else resetResponse(s.res);
      s.upstream?.destroy();
    }, action.timeoutMs);
  }
  f.attempt();
}

/**
 * One forwarded request: its attempts, retries and the response it delivers. A class rather than closures:
 * one is made per request, on the request path, so its methods live on the prototype (no closures to
 * allocate, and none for the TypeScript loader to name per call). It is also the response body's sink.
 */
class Forwarding implements BodySink {
  private readonly path: string;
  private readonly headers: OutgoingHttpHeaders;
  private readonly ctx: FormatContext | undefined;
  private readonly body: boolean;
  private readonly policy: RetryPolicy | undefined;
  private readonly hash: number | undefined;
  private retriesLeft: number;
  private retries = 0;
  private readonly failures: { endpoint: Endpoint; code: string }[] = [];
  /** Response bytes are counted only when someone looks at them (tap or access log). */
  private count = false;

  constructor(
    private readonly s: ActiveStream,
    private readonly route: CompiledRoute,
    action: ForwardAction,
    private readonly cluster: CompiledCluster,
  ) {
    const { req } = s;
    this.path = rewritePath(req.url ?? "/", route, action);
    const headers = upstreamRequestHeaders(req.headers, req.socket.remoteAddress, s.generateRequestId);
    if (action.hostRewrite) headers.host = action.hostRewrite;
    this.headers = headers;
    this.ctx = route.requestHeaders.length || route.responseHeaders.length ? formatContext(s) : undefined;
    for (const m of route.requestHeaders) applyHeaderMutation(headers, m, this.ctx!);
    this.body = requestHasBody(req);
    this.policy = action.retry;
    this.retriesLeft = this.policy && !this.body ? this.policy.numRetries : 0;
    this.hash = cluster.hashBased && action.hashPolicy ? action.hashPolicy({ headers: req.headers, query: queryOf(req.url ?? ""), sourceIp: req.socket.remoteAddress ?? "" }) : undefined;
  }

  /** A retry the policy wants, if the cluster's retry limit (max_retries or retry_budget) admits it. */
  mayRetry(): boolean {
    if (this.retriesLeft <= 0) return false;
    if (!this.s.retrying && !retryAllowed(this.cluster)) {
      this.cluster.stats.upstream_rq_retry_overflow.value++;
      return false;
    }
    return true;
  }

  retryLater(): void {
    const { s, cluster } = this;
    this.retriesLeft--;
    if (!s.retrying) {
      s.retrying = true;
      cluster.stats.upstream_rq_retry_active.value++;
    }
    cluster.stats.upstream_rq_retry.value++;
    const delay = backoffMs(this.policy!, this.retries++);
    setTimeout(() => {
      if (!responseDestroyed(s.res) && !s.res.headersSent) this.attempt();
    }, delay);
  }

  fail(f: AttemptFailure, ep: Endpoint): void {
    const { s, cluster } = this;
    cluster.outlier?.onLocalOriginFailure(ep);
    if (s.res.headersSent || responseDestroyed(s.res)) return;
    if (f.kind === "connect") {
      this.failures.push({ endpoint: ep, code: f.code });
      return this.attempt();
    }
    const retryOn = this.policy?.retryOn;
    const wants = f.kind === "reset" ? retryOn?.has("reset") : retryOn?.has("5xx") || retryOn?.has("gateway-error");
    if (wants && this.mayRetry()) return this.retryLater();
    if (wants && this.policy) {
      addFlag(s, "URX");
      cluster.stats.upstream_rq_retry_limit_exceeded.value++;
    }
    if (f.kind === "per-try-timeout") {
      addFlag(s, "UT");
      return sendLocalReply(s, 504, `upstream request timeout: ${ep.address} in cluster "${cluster.name}" exceeded the per-try timeout`);
    }
    addFlag(s, "UC");
    sendLocalReply(s, 503, `upstream connect error or disconnect/reset before headers: ${ep.address} in cluster "${cluster.name}" (${f.code})`);
  }

  /** An attempt's response: retried when the policy says so, else delivered. */
  respond(upRes: UpstreamResponse, ep: Endpoint): void {
    const { s, cluster, policy } = this;
    const status = upRes.status;
    bumpClusterStatus(cluster, status);
    cluster.outlier?.onResponse(ep, status);
    if (policy && retriableStatus(policy, status, upRes.headers)) {
      if (this.mayRetry()) {
        upRes.discard();
        return this.retryLater();
      }
      addFlag(s, "URX");
      cluster.stats.upstream_rq_retry_limit_exceeded.value++;
    }
    this.deliver(upRes);
  }

  deliver(upRes: UpstreamResponse): void {
    const { s, cluster } = this;
    const { res } = s;
    const status = upRes.status;
    if (responseDestroyed(res)) return void upRes.destroy();
    if (this.retries > 0) cluster.stats.upstream_rq_retry_success.value++;
    recordResponseStatus(s.stats, status);
    const out: OutgoingHttpHeaders = downstreamResponseHeaders(upRes.headers, performance.now() - s.startedAt);
    for (const m of this.route.responseHeaders) applyHeaderMutation(out, m, this.ctx!);
    runResponseHeaders(s, status, out);
    s.status = status;
    s.responseHeaders = out;
    res.writeHead(status, out);
    // Tap also sees the chunks (to capture the body), inside the same branch, so an idle tap costs nothing.
    this.count = s.tap !== undefined || s.accessLogs.length !== 0;
    upRes.stream(this);
  }

  onData(chunk: Buffer): boolean {
    const s = this.s;
    if (this.count) {
      s.responseBytes += chunk.length;
      if (s.tap !== undefined) s.tap.responseData(chunk);
    }
    return (s.res as NodeJS.WritableStream).write(chunk);
  }

  onDrain(resume: () => void): void {
    this.s.res.once("drain", resume);
  }

  onEnd(trailers: IncomingHttpHeaders | undefined): void {
    const s = this.s;
    s.trailers = trailers;
    // Trailers (gRPC's grpc-status) go out before the end of the stream.
    if (trailers) s.res.addTrailers(trailers);
    s.res.end();
  }

  onError(): void {
    // An upstream reset mid-body resets the downstream (UR); the downstream leaving is the connection manager's (DC).
    const s = this.s;
    if (!responseDestroyed(s.res)) {
      addFlag(s, "UR");
      resetResponse(s.res);
    }
  }

  attempt(): void {
    const { s, cluster, failures } = this;
    // A hash names one host; once it failed, later attempts pick without it.
    const ep = pickUntried(cluster, (e) => failures.some((f) => f.endpoint === e), failures.length === 0 ? this.hash : undefined);
    if (!ep) {
      if (failures.length === 0) {
        addFlag(s, "UH");
        return sendLocalReply(s, 503, `no healthy upstream: cluster "${cluster.name}" has no endpoints`);
      }
      addFlag(s, "UF");
      const tried = failures.map((f) => `${f.endpoint.address} (${f.code})`).join(", ");
      return sendLocalReply(s, 503, `upstream connect error: no endpoint of cluster "${cluster.name}" answered; tried ${tried}`);
    }
    s.endpoint = ep;
    s.attempts++;
    if (s.filterContext) {
      const ctx = s.filterContext;
      return runPhase(s.filters, "afterChooseHost", ctx, () => this.send(ep));
    }
    this.send(ep);
  }

  send(ep: Endpoint): void {
    const s = this.s;
    s.upstreamStartedAt = performance.now();
    s.upstream = startAttempt(s, this.cluster, ep, { path: this.path, headers: this.headers, perTryTimeoutMs: this.policy?.perTryTimeoutMs ?? 0, hasBody: this.body }, new AttemptResult(this, ep));
  }
}

/** What one attempt reports, tied to the endpoint it went to (a late failure is charged to the right host). */
class AttemptResult implements AttemptHandlers {
  constructor(
    private readonly f: Forwarding,
    private readonly ep: Endpoint,
  ) {}

  onResponse(upRes: UpstreamResponse): void {
    this.f.respond(upRes, this.ep);
  }

  onFailure(failure: AttemptFailure): void {
    this.f.fail(failure, this.ep);
  }
}

function queryOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? "" : url.slice(q + 1);
}


function bumpClusterStatus(cluster: CompiledCluster, status: number): void {
  const st = cluster.stats;
  if (status >= 500) st.upstream_rq_5xx.value++;
  else if (status >= 400) st.upstream_rq_4xx.value++;
  else if (status >= 300) st.upstream_rq_3xx.value++;
  else if (status >= 200) st.upstream_rq_2xx.value++;
}
