// meshdash.filters.http.policy: Istio Mixer's Check, Quota and Report inside the proxy. After the route is
// chosen (so destination.service is known) and before any upstream work: DENY/ALLOW rules (403, flag
// UAEX), then quotas (429, flag RL, Retry-After); at stream end the request's attributes go to the report
// buffer. Also Istio's metadata exchange: the client side sends its node id upstream in
// x-envoy-peer-metadata-id, the server side reads and strips it (and answers with its own, which the
// client side strips), so both sides know source and destination workloads.

import { randomUUID } from "node:crypto";
import { PolicyFilterSchema, type PolicyFilter } from "../../../../proto/gen/meshdash/policy/v1/policy_pb";
import { finishAttributes, requestAttributes, type Attributes, type Peers } from "../../../policy/attributes";
import { compilePolicy, type CompiledPolicy } from "../../../policy/compile-policy";
import { NO_ALLOW_MATCH, runCheck, runQuotas } from "../../../policy/evaluate-policy";
import type { PolicyRuntime } from "../../../policy/policy-runtime";
import { UNKNOWN_WORKLOAD, type Workload } from "../../../policy/workload";
import type { ActiveStream } from "../../active-stream";
import type { ReportRecord } from "../../../policy/report";
import type { StreamFilter } from "../stream-filter";

export const POLICY_FILTER = "meshdash.filters.http.policy";
export const POLICY_FILTER_TYPE = PolicyFilterSchema.typeName;
export const PEER_METADATA_HEADER = "x-envoy-peer-metadata-id";
export const DENIED_BY_HEADER = "x-meshdash-denied-by";
export const QUOTA_HEADER = "x-meshdash-quota";

/** Per-request state, kept on the stream (ActiveStream.policy). */
export interface PolicyState {
  attributes: Attributes | undefined;
  reporter: Peers["reporter"];
  /** The client side learns the server's workload from the response. */
  responsePeer: Workload | undefined;
  /** The request came from a mesh proxy that said who it is (the server side answers in kind). */
  peerSent: boolean;
  deniedBy: string;
  quota: string;
}

export interface PolicyStreamFilter extends StreamFilter {
  readonly policy: CompiledPolicy;
}

export function isPolicyFilter(f: StreamFilter): f is PolicyStreamFilter {
  return f.name === POLICY_FILTER && "policy" in f;
}

export function createPolicyFilter(cfg: PolicyFilter, path: string, rt: PolicyRuntime): PolicyStreamFilter {
  const policy = compilePolicy(cfg, path, rt);
  // Nothing configured: no phases, so the chain skips this filter at no cost.
  if (!policy.active) return { name: POLICY_FILTER, policy };
  const selfId = rt.self.name ? rt.proxyId : "";

  return {
    name: POLICY_FILTER,
    policy,
    afterRoute(ctx) {
      const s = ctx.s;
      // A re-matched route runs AfterRoute again: check and quota count once per request.
      if (s.policy !== undefined) return "continue";
      const h = ctx.input.headers;
      const service = rt.service(s.route);
      const peerHeader = h[PEER_METADATA_HEADER];
      if (peerHeader !== undefined) delete h[PEER_METADATA_HEADER];
      const inbound = service.direction !== undefined ? service.direction === "inbound" : rt.role === "sidecar" && peerHeader !== undefined;
      const state: PolicyState = { attributes: undefined, reporter: inbound ? "destination" : "source", responsePeer: undefined, peerSent: inbound && typeof peerHeader === "string", deniedBy: "", quota: "" };
      s.policy = state;
      if (!inbound && selfId) h[PEER_METADATA_HEADER] = selfId;
      if (!policy.needsAttributes) return "continue";
      if (s.generateRequestId && h["x-request-id"] === undefined) h["x-request-id"] = randomUUID();
      const peers: Peers = inbound
        ? { reporter: "destination", source: typeof peerHeader === "string" ? rt.peer(peerHeader) : UNKNOWN_WORKLOAD, destination: rt.self, service }
        : { reporter: "source", source: rt.self, destination: UNKNOWN_WORKLOAD, service };
      const a = requestAttributes(s, ctx.input, peers);
      state.attributes = a;
      if (policy.rules.length !== 0) {
        const v = runCheck(policy, a);
        if (v.denied) {
          rt.totals.denied++;
          const name = v.rule?.name ?? NO_ALLOW_MATCH;
          state.deniedBy = name;
          const why = v.rule ? (v.rule.reason ? `${name}: ${v.rule.reason}` : name) : "no ALLOW rule matched";
          ctx.reply(403, `RBAC: access denied (${why})`, "UAEX", { [DENIED_BY_HEADER]: name });
          return "stop";
        }
      }
      if (policy.quotas.length !== 0) {
        const q = runQuotas(policy, a, Date.now());
        if (!q.ok) {
          rt.totals.throttled++;
          state.quota = q.quota.name;
          ctx.reply(429, `quota exhausted: ${q.quota.name}`, "RL", { "retry-after": String(q.retryAfterS), [QUOTA_HEADER]: q.quota.name });
          return "stop";
        }
      }
      return "continue";
    },
    onResponseHeaders(s, _status, headers) {
      const st = s.policy;
      if (st === undefined) return;
      if (st.reporter === "source") {
        const v = headers[PEER_METADATA_HEADER];
        if (v === undefined) return;
        delete headers[PEER_METADATA_HEADER];
        if (typeof v === "string") st.responsePeer = rt.peer(v);
      } else if (st.peerSent && selfId) headers[PEER_METADATA_HEADER] = selfId;
    },
    onStreamEnd(s) {
      const st = s.policy;
      const a = st?.attributes;
      if (!policy.report || a === undefined) return;
      finishAttributes(a, s, performance.now());
      const peer = st!.responsePeer;
      if (peer !== undefined) {
        a.destination.workload = { name: peer.name, namespace: peer.namespace };
        a.destination.labels = peer.labels;
        a.destination.uid = peer.uid;
      }
      rt.report!.push(recordOf(s, a, st!, rt.proxyId));
    },
  };
}

const PROTOCOLS: Record<string, string> = { "1.1": "HTTP/1.1", "2.0": "HTTP/2.0", "1.0": "HTTP/1.0" };

function recordOf(s: ActiveStream, a: Attributes, st: PolicyState, proxy: string): ReportRecord {
  const { req } = s;
  const grpc = a.context.protocol === "grpc" ? (s.trailers?.["grpc-status"] ?? s.responseHeaders?.["grpc-status"]) : undefined;
  const xff = req.headers["x-forwarded-for"];
  return {
    proxy,
    attributes: a,
    startTime: a.request.time,
    protocol: PROTOCOLS[req.httpVersion] ?? `HTTP/${req.httpVersion}`,
    routeName: s.route?.name ?? "",
    upstreamCluster: s.cluster?.name ?? "",
    upstreamHost: s.endpoint?.address ?? "",
    forwardedFor: typeof xff === "string" ? xff : "",
    grpcStatus: grpc === undefined ? "" : String(grpc),
    deniedBy: st.deniedBy,
    quota: st.quota,
  };
}
