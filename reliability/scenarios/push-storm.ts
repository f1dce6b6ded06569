// A push storm: 100 config writes per second for 10 s, each a new revision of the faulty service's
// VirtualService (a response header carrying the write's number). The debounce must merge them, every
// proxy must converge to the final revision (the ingress answers with the last number: the recovery is
// last write → that answer), no request may fail, and memory must stay bounded.

import { request } from "undici";
import { FAULTY_AUTHORITY, faultyVirtualService } from "../mesh-under-test";
import { failureSummary, loadSince, type Scenario, timeUntil, wait } from "./scenario";

const RATE = 100;
const STORM_MS = 10_000;
/** RSS may grow by at most this much during the storm. */
const RSS_BUDGET_MIB = 256;

const stormRule = (n: number) => faultyVirtualService(`\n      headers: { response: { set: { x-storm: "${n}" } } }`);

export const pushStorm: Scenario = async ({ mesh, load }) => {
  const lost: string[] = [];
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const pushes0 = mesh.controlPlane().pushStats().pushes;
  const head0 = mesh.controlPlane().store.head();
  const start = performance.now();
  let writes = 0;
  try {
    while (performance.now() - start < STORM_MS) {
      const due = Math.floor(((performance.now() - start) / 1000) * RATE);
      while (writes < due) await mesh.apply(stormRule(++writes), `reliability: storm write ${writes}`);
      await wait(2);
    }
  } finally {
    clearInterval(sampler);
  }
  const lastWrite = performance.now();
  const answers = async () => {
    const r = await request(`http://${mesh.ingress}/`, { headers: { host: FAULTY_AUTHORITY } });
    await r.body.dump();
    return r.headers["x-storm"] === String(writes);
  };
  const recoveryMs = await timeUntil(answers, 30_000);
  if (recoveryMs === undefined) lost.push(`the ingress never answered with the final revision's header (write ${writes})`);
  try {
    await mesh.synced(30_000);
  } catch (e) {
    lost.push(`proxies did not converge: ${(e as Error).message}`);
  }
  const revisions = mesh.controlPlane().store.head() - head0;
  if (revisions !== writes) lost.push(`${writes} writes made ${revisions} revisions`);
  const growthMiB = (peak - rss0) / 2 ** 20;
  if (growthMiB > RSS_BUDGET_MIB) lost.push(`RSS grew by ${growthMiB.toFixed(0)} MiB (budget ${RSS_BUDGET_MIB} MiB)`);
  const { outcomes, failed } = await loadSince(load, start);
  if (failed.length) lost.push(`${failed.length} requests failed during the storm (${failureSummary(outcomes)})`);
  const pushes = mesh.controlPlane().pushStats().pushes - pushes0;
  return {
    fault: `push storm: ${RATE} writes/s for ${STORM_MS / 1000} s`,
    requests: outcomes.length,
    failed: failed.length,
    recoveryMs,
    lost,
    detail: `${writes} writes (${((writes * 1000) / (lastWrite - start)).toFixed(0)}/s) → ${revisions} revisions, merged into ${pushes} pushes; RSS peak +${growthMiB.toFixed(0)} MiB`,
  };
};
