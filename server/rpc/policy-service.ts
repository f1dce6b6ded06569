// PolicyService: each in-process proxy's check rules and quotas as it runs them (the compiled policy
// filters of its live config), with denial, throttle and bucket counts, for the Policy page.

import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { toProxyPolicyStatus, type Proxy } from "../../proxy-engine";
import { PolicyService } from "../../proto/gen/meshdash/policy/v1/policy_pb";

export function createPolicyService(deps: { proxies(): readonly Proxy[] }): ServiceImpl<typeof PolicyService> {
  return {
    getPolicyStatus(req) {
      const all = deps.proxies();
      const chosen = req.proxy ? all.filter((p) => p.id === req.proxy) : all;
      if (req.proxy && chosen.length === 0) throw new ConnectError(`no proxy "${req.proxy}" runs in this process`, Code.NotFound);
      const statuses = chosen.map((p) => p.policyStatus());
      return {
        proxies: statuses.map(toProxyPolicyStatus),
        denied: BigInt(statuses.reduce((n, s) => n + s.denied, 0)),
        throttled: BigInt(statuses.reduce((n, s) => n + s.throttled, 0)),
      };
    },
  };
}
