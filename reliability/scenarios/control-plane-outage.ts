// The control plane stops for 10 s and a new one starts on the same port and store (a restarted istiod):
// every proxy keeps serving its last good config, with no failed request, and reconnects (the time until
// every proxy has ACKed every type again is the recovery).

import { failureSummary, loadSince, type Row, type Scenario, wait } from "./scenario";

const DOWN_MS = 10_000;

export const controlPlaneOutage: Scenario = async ({ mesh, load }) => {
  const lost: string[] = [];
  const revision = mesh.controlPlane().store.head();
  const start = performance.now();
  const down = await mesh.stopControlPlane();
  await wait(DOWN_MS);
  const restartedAt = performance.now();
  await down.start();
  let recoveryMs: number | undefined;
  try {
    await mesh.synced(60_000);
    recoveryMs = performance.now() - restartedAt;
  } catch (e) {
    lost.push(`proxies did not resync: ${(e as Error).message}`);
  }
  const { outcomes, failed } = await loadSince(load, start);
  if (failed.length) lost.push(`${failed.length} requests failed while the control plane was down (${failureSummary(outcomes)})`);
  if (mesh.controlPlane().store.head() !== revision) lost.push(`the store's head moved from ${revision} to ${mesh.controlPlane().store.head()}`);
  const row: Row = {
    fault: "control plane down 10 s, restarted",
    requests: outcomes.length,
    failed: failed.length,
    recoveryMs,
    lost,
    detail: `${mesh.runtime.proxies.length} proxies served on their last good config; recovery = restart → all SYNCED (reconnect backoff)`,
  };
  return row;
};
