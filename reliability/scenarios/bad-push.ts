// A push every proxy NACKs (valid Istio that the engine cannot apply: a generated session cookie): traffic
// is untouched, the control plane shows ERROR with the proxies' own message, and a good push afterwards
// brings every proxy back to SYNCED (the recovery).

import { FAULTY_DESTINATION_RULE } from "../mesh-under-test";
import { failureSummary, loadSince, type Scenario, timeUntil, wait } from "./scenario";

const BAD_RULE = FAULTY_DESTINATION_RULE.replace("trafficPolicy:\n", "trafficPolicy:\n    loadBalancer: { consistentHash: { httpCookie: { name: session, ttl: 60s } } }\n");

export const badPush: Scenario = async ({ mesh, load }) => {
  const lost: string[] = [];
  const errors = () => mesh.controlPlane().ads.status().flatMap((p) => p.types.filter((t) => t.state === "ERROR").map((t) => ({ proxy: p.node.id, error: t.error })));
  const start = performance.now();
  await mesh.apply(BAD_RULE, "reliability: a rule every proxy NACKs");
  const nackMs = await timeUntil(() => errors().length > 0, 10_000);
  const nacked = errors();
  if (nackMs === undefined) lost.push("no proxy reported the NACK as ERROR within 10 s");
  await wait(2000); // traffic keeps flowing on the last good config
  const goodAt = performance.now();
  await mesh.apply(FAULTY_DESTINATION_RULE, "reliability: the good rule again");
  let recoveryMs: number | undefined;
  try {
    await mesh.synced(30_000);
    recoveryMs = performance.now() - goodAt;
  } catch (e) {
    lost.push(`no recovery after the good push: ${(e as Error).message}`);
  }
  if (errors().length) lost.push(`${errors().length} type(s) still in ERROR after the good push`);
  const { outcomes, failed } = await loadSince(load, start);
  if (failed.length) lost.push(`${failed.length} requests failed around the bad push (${failureSummary(outcomes)})`);
  const proxies = new Set(nacked.map((e) => e.proxy)).size;
  return {
    fault: "bad push (NACKed), then a good one",
    requests: outcomes.length,
    failed: failed.length,
    recoveryMs,
    lost,
    detail: nacked.length ? `ERROR on ${proxies} proxies in ${Math.round(nackMs!)} ms: "${nacked[0]!.error}"` : "no ERROR seen",
  };
};
